package ca.metered.realtime.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.cluster.NodeDirectory.NodeEntry;
import ca.metered.realtime.server.cluster.NodeDirectory.NodeReport;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every {@link NodeDirectory} must do; run against each implementation. */
abstract class NodeDirectoryContract {
    final BackplaneFixture cluster = fixture(Clock.systemUTC());

    abstract BackplaneFixture fixture(Clock clock);

    @AfterEach
    void close() {
        cluster.close();
    }

    /** Lists until {@code done} holds (a Redis node registers with its first, asynchronous beat). */
    private static List<NodeEntry> awaitList(Backplane node, Predicate<List<NodeEntry>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<NodeEntry> last = node.nodes().list().toCompletableFuture().join();
        while (!done.test(last)) {
            assertThat(System.nanoTime()).as("never matched; last %s", last).isLessThan(deadline);
            LockSupport.parkNanos(10_000_000); // polling a condition with a deadline
            last = node.nodes().list().toCompletableFuture().join();
        }
        return last;
    }

    private static Optional<NodeEntry> entry(List<NodeEntry> all, String id) {
        return all.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    @Test
    void everyNodeListsEveryLiveNodeWithItsLastReportAndALeavingNodeLeavesTheList() {
        Backplane n1 = cluster.node("n1", new RecordingInbound());
        Backplane n2 = cluster.node("n2", new RecordingInbound());
        NodeReport first = new NodeReport("1.2.3", 1_700_000_000_000L, 7, 12.5, 30.25, 1_000_000, 4_000_000);
        NodeReport second = new NodeReport("1.2.3", 1_700_000_000_000L, 9, 0, 0, 2_000_000, 4_000_000);
        n2.nodes().report(first);
        n2.nodes().report(second);

        List<NodeEntry> seen = awaitList(n1, all -> entry(all, "n2").map(e -> second.equals(e.report())).orElse(false)
                && entry(all, "n1").isPresent());
        assertThat(seen).extracting(NodeEntry::id).containsExactlyInAnyOrder("n1", "n2");
        assertThat(entry(seen, "n1").orElseThrow().report()).as("n1 has not reported").isNull();
        assertThat(entry(seen, "n2").orElseThrow().lastSeenAt()).isPositive();

        n2.close();
        cluster.nodes.remove(n2);
        List<NodeEntry> after = awaitList(n1, all -> entry(all, "n2").isEmpty());
        assertThat(after).extracting(NodeEntry::id).containsExactly("n1");
    }
}

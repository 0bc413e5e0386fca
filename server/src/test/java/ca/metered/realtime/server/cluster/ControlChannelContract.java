package ca.metered.realtime.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every {@link ControlChannel} must do; run against each implementation. */
abstract class ControlChannelContract {
    final BackplaneFixture cluster = fixture(Clock.systemUTC());

    abstract BackplaneFixture fixture(Clock clock);

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void kickReachesEveryNodeAndCountsThePeersConnectionsClusterWide() {
        RecordingInbound in1 = new RecordingInbound();
        RecordingInbound in2 = new RecordingInbound();
        Backplane n1 = cluster.node("n1", in1);
        Backplane n2 = cluster.node("n2", in2);
        in1.hosted.add("bob");
        in2.hosted.add("bob");
        assertThat(n1.usage().tryOpenConnection("app", "bob", 10).toCompletableFuture().join()).isTrue();
        assertThat(n2.usage().tryOpenConnection("app", "bob", 10).toCompletableFuture().join()).isTrue();
        assertThat(n2.control().kick("app", "bob").toCompletableFuture().join()).isEqualTo(2);
        assertThat(in1.await(1)).containsExactly("kick bob");
        assertThat(in2.await(1)).containsExactly("kick bob");
        assertThat(n1.control().kick("app", "nobody").toCompletableFuture().join()).isZero();
    }
}

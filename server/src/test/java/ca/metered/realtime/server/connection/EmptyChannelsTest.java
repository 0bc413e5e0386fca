package ca.metered.realtime.server.connection;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.hub.AppHub;
import ca.metered.realtime.server.it.Heap;
import ca.metered.realtime.server.pubsub.Outcome;
import org.junit.jupiter.api.Test;

/**
 * A channel nobody is on costs nothing (issue 9, item 2): 100,000 unique channels joined and
 * left — half by unsubscribe, half by disconnecting — leave every per-channel structure empty
 * and the live heap where it was.
 */
class EmptyChannelsTest {
    private static final int CHANNELS = 100_000;
    private final CoreFixture core = new CoreFixture(new Limits(65536, 100, 1_000_000, 1_000_000, 1_000_000, 0, Limits.DEFAULT_MAX_TOKEN_LIFETIME), false);

    private void subscribe(CoreFixture.Client c, String channel) {
        Outcome<Void> o = core.memberships.subscribe(c.connection(), channel, false, s -> { })
                .toCompletableFuture().join();
        assertThat(o).isInstanceOf(Outcome.Done.class);
    }

    /** {@code n} channels: each joined by a watcher and a peer, left by unsubscribe then by disconnect. */
    private void churn(String prefix, int n) {
        CoreFixture.Client watcher = core.connect("watcher");
        for (int i = 0; i < n; i++) {
            String channel = prefix + i;
            subscribe(watcher, channel);
            CoreFixture.Client peer = core.connect("peer-" + (i % 1000));
            subscribe(peer, channel);
            subscribe(peer, channel + "/*");
            core.memberships.unsubscribe(watcher.connection(), channel).toCompletableFuture().join();
            core.connections.release(peer.connection());
            watcher.frames();
        }
        core.connections.release(watcher.connection());
    }

    @Test
    void aHundredThousandChannelsJoinedAndLeftLeaveNoStateAndTheLiveHeapWhereItWas() {
        churn("warm-", 10_000); // classes loaded, maps at their working size
        long before = Heap.liveBytes();
        churn("c-", CHANNELS / 2);
        churn("d-", CHANNELS / 2);
        long after = Heap.liveBytes();

        AppHub app = core.hub.app(CoreFixture.APP);
        assertThat(app.channelCount()).isZero();
        assertThat(app.wildcardCount()).isZero();
        assertThat(app.peerCount()).isZero();
        assertThat(core.cluster.presenceChannelCount()).isZero();
        assertThat(core.connections.size()).isZero();
        System.out.printf("live heap before %s, after %d channels %s (%+d KiB)%n", Heap.mib(before), CHANNELS,
                Heap.mib(after), (after - before) / 1024);
        // A roster kept per channel (about 250 bytes) would be over 20 MiB here.
        assertThat(after - before).isLessThan(2L * 1024 * 1024);
    }
}

package ca.metered.realtime.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.RawJson;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every {@link Broker} must do; run against each implementation. */
abstract class BrokerContract {
    final BackplaneFixture cluster = fixture(Clock.systemUTC());

    abstract BackplaneFixture fixture(Clock clock);

    @AfterEach
    void close() {
        cluster.close();
    }

    private static Publication pub(String origin, String channel, int n) {
        return new Publication(origin, 7, BackplaneFixture.APP, channel, "p", RawJson.of(Integer.toString(n)), null);
    }

    @Test
    void publishReachesEveryWatchingNodeTheOriginIncluded() {
        RecordingInbound in1 = new RecordingInbound();
        RecordingInbound in2 = new RecordingInbound();
        Backplane n1 = cluster.node("n1", in1);
        Backplane n2 = cluster.node("n2", in2);
        n1.broker().watchChannel("app", "c").toCompletableFuture().join();
        n2.broker().watchChannel("app", "c").toCompletableFuture().join();
        n1.broker().publish(pub("n1", "c", 1)).toCompletableFuture().join();
        assertThat(in1.await(1)).containsExactly("message c 1");
        assertThat(in2.await(1)).containsExactly("message c 1");
        assertThat(in2.publications.get(0).originNode()).isEqualTo("n1");
        assertThat(in2.publications.get(0).originConnectionId()).isEqualTo(7);
    }

    @Test
    void oneNodesPublicationsArriveInTheOrderHandedOver() {
        RecordingInbound in2 = new RecordingInbound();
        Backplane n1 = cluster.node("n1", new RecordingInbound());
        Backplane n2 = cluster.node("n2", in2);
        n2.broker().watchChannel("app", "c").toCompletableFuture().join();
        for (int i = 0; i < 200; i++) {
            n1.broker().publish(pub("n1", "c", i));
        }
        var events = in2.await(200);
        for (int i = 0; i < 200; i++) {
            assertThat(events.get(i)).isEqualTo("message c " + i);
        }
    }

    @Test
    void directReportsWhetherAnyNodeHostsThePeer() {
        RecordingInbound in2 = new RecordingInbound();
        Backplane n1 = cluster.node("n1", new RecordingInbound());
        Backplane n2 = cluster.node("n2", in2);
        in2.hosted.add("bob");
        n2.broker().watchPeer("app", "bob").toCompletableFuture().join();
        DirectMessage d = new DirectMessage("n1", "app", "bob", "alice", RawJson.of("\"hi\""), null);
        assertThat(n1.broker().direct(d).toCompletableFuture().join()).isTrue();
        assertThat(in2.await(1)).containsExactly("direct bob \"hi\"");
        DirectMessage none = new DirectMessage("n1", "app", "nobody", "alice", RawJson.of("1"), null);
        assertThat(n1.broker().direct(none).toCompletableFuture().join()).isFalse();
    }

    @Test
    void allChannelsWatchDeliversForWildcardSubscribers() {
        RecordingInbound in2 = new RecordingInbound();
        Backplane n1 = cluster.node("n1", new RecordingInbound());
        Backplane n2 = cluster.node("n2", in2);
        n2.broker().watchAllChannels("app").toCompletableFuture().join();
        n1.broker().publish(pub("n1", "devices/d1/events", 5)).toCompletableFuture().join();
        assertThat(in2.await(1)).containsExactly("message devices/d1/events 5");
        assertThat(in2.routes.get(0)).isNotEqualTo(Broker.Route.EXACT);
    }
}

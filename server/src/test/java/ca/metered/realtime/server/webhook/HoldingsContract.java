package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link NodeHoldings} decides, through an {@link OccupancyTracker} per node for
 * channels, run against each implementation. Subclasses give nodes of one cluster and the events
 * logged so far, as {@code "channel.occupied:room"} or {@code "peer.disconnected:c1:1000"}.
 */
abstract class HoldingsContract {

    /** A node of the cluster, started: its holdings and the tracker counting its subscriptions. */
    protected record Node(NodeHoldings holdings, OccupancyTracker tracker) {
    }

    /** Node {@code n} of the cluster, started, tracking every channel but those named untracked…. */
    protected abstract Node node(int n);

    /** An event as {@link #events} shows it. */
    protected static String show(WebhookEvent e) {
        if (e instanceof WebhookEvent.PeerConnected c) {
            return "peer.connected:" + c.connectionId() + ":" + c.peerId();
        }
        if (e instanceof WebhookEvent.PeerDisconnected d) {
            return "peer.disconnected:" + d.connectionId() + ":" + d.code();
        }
        return e.type().wireName() + ":" + e.channel();
    }

    /** Events decided so far for app {@code app}, oldest first. */
    protected abstract List<String> events() throws Exception;

    /**
     * Waits (polling, with a deadline) until the events are exactly {@code expected}: a
     * cluster's calls are asynchronous.
     */
    protected void eventsAre(String... expected) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!events().equals(List.of(expected)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(events()).containsExactly(expected);
    }

    @Test
    void aChannelIsOccupiedByItsFirstSubscriberAndVacatedByItsLast() throws Exception {
        OccupancyTracker a = node(1).tracker();
        a.subscribed("app", "room");
        a.subscribed("app", "room");
        a.unsubscribed("app", "room");
        eventsAre("channel.occupied:room");
        a.unsubscribed("app", "room");
        eventsAre("channel.occupied:room", "channel.vacated:room");
        assertThat(a.channels()).isEmpty();
    }

    @Test
    void channelsAreCountedApartAndUntrackedOnesNotAtAll() throws Exception {
        OccupancyTracker a = node(1).tracker();
        a.subscribed("app", "room");
        a.subscribed("app", "lobby");
        a.subscribed("app", "untracked-1");
        a.unsubscribed("app", "room");
        eventsAre("channel.occupied:room", "channel.occupied:lobby", "channel.vacated:room");
        assertThat(a.channels()).containsExactly(new AppChannel("app", "lobby"));
    }

    @Test
    void anUnsubscribeWithoutASubscribeChangesNothing() throws Exception {
        OccupancyTracker a = node(1).tracker();
        a.unsubscribed("app", "room");
        a.subscribed("app", "lobby");
        eventsAre("channel.occupied:lobby");
    }

    @Test
    void aConnectionIsAnnouncedAndItsEndTold() throws Exception {
        NodeHoldings a = node(1).holdings();
        a.connectionOpened("app", new WebhookEvent.PeerConnected("alice", "c1", null), true, true);
        a.connectionOpened("app", new WebhookEvent.PeerConnected("bob", "c2", null), true, false);
        a.connectionOpened("app", new WebhookEvent.PeerConnected("carol", "c3", null), false, true);
        a.connectionClosed("app", new WebhookEvent.PeerDisconnected("alice", "c1", 4002, "token expired"));
        a.connectionClosed("app", new WebhookEvent.PeerDisconnected("carol", "c3", 1000, ""));
        eventsAre("peer.connected:c1:alice", "peer.connected:c2:bob", "peer.disconnected:c1:4002",
                "peer.disconnected:c3:1000");
    }
}

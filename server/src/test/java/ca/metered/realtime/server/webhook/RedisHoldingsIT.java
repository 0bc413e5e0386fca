package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.it.RedisServer;
import ca.metered.realtime.server.time.ManualScheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.redis.RedisEventLog;
import ca.metered.realtime.server.webhook.redis.RedisHoldings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Node holdings over a real {@code redis-server}: several nodes, one decision per transition. */
class RedisHoldingsIT extends HoldingsContract {
    private static RedisServer redis;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /** One clock per node: a node whose clock is not advanced stops beating, as a dead one. */
    private final List<ManualScheduler> clocks = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<RedisHoldings> holdings = new ArrayList<>();
    private ClusterSettings settings;
    private RedisEventLog log;

    @BeforeEach
    void connect() throws Exception {
        synchronized (RedisHoldingsIT.class) {
            if (redis == null) {
                redis = RedisServer.start();
            }
        }
        settings = ClusterSettings.of(redis.uri()).withKeyPrefix("o" + PREFIXES.incrementAndGet() + ":")
                .withTimings(Duration.ofMillis(100), Duration.ofMillis(300));
        log = RedisEventLog.connect(settings, "reader");
        log.configure("app", 1000, false).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        log.close();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Override
    protected Node node(int n) {
        ManualScheduler clock = new ManualScheduler();
        clocks.add(clock);
        RedisHoldings h = RedisHoldings.connect(settings, "node-" + n, clock);
        open.add(h);
        holdings.add(h);
        OccupancyTracker tracker = new OccupancyTracker(h, (app, channel) -> !channel.startsWith("untracked"));
        h.start(tracker::channels, () -> connections);
        return new Node(h, tracker);
    }

    /** What the nodes report as their tracked connections when re-asserting. */
    private final List<NodeHoldings.HeldConnection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    protected List<String> events() throws Exception {
        List<String> out = new ArrayList<>();
        List<Logged> got = log.read(Map.of("app", EventLog.START), 1000, Duration.ZERO).toCompletableFuture()
                .get(5, TimeUnit.SECONDS).getOrDefault("app", List.of());
        got.forEach(e -> out.add(show(e.event())));
        return out;
    }

    private static void awaitRedis(String command, String reply) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!reply.equals(redis.command(command)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(redis.command(command)).as(command).isEqualTo(reply);
    }

    @Test
    void aChannelOnTwoNodesIsOccupiedOnceAndVacatedOnce() throws Exception {
        OccupancyTracker a = node(1).tracker();
        OccupancyTracker b = node(2).tracker();
        a.subscribed("app", "room");
        b.subscribed("app", "room");
        // Two nodes' calls reach Redis in no particular order: wait until both are on the channel.
        awaitRedis("SCARD " + settings.keyPrefix() + "app:wh:occ:room", ":2");
        a.unsubscribed("app", "room");
        eventsAre("channel.occupied:room");
        b.unsubscribed("app", "room");
        eventsAre("channel.occupied:room", "channel.vacated:room");
    }

    @Test
    void aNodeThatDiesIsTakenOffTheChannelsOnlyItWasOn() throws Exception {
        OccupancyTracker a = node(1).tracker();
        OccupancyTracker b = node(2).tracker();
        a.subscribed("app", "mine");
        a.subscribed("app", "shared");
        // Node 2's call would race node 1's in Redis: it joins once node 1 holds both channels.
        eventsAre("channel.occupied:mine", "channel.occupied:shared");
        b.subscribed("app", "shared");
        awaitRedis("SCARD " + settings.keyPrefix() + "app:wh:occ:shared", ":2");
        // Node 1 goes silent (its clock is never advanced again); node 2 keeps beating and reaps.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events().size() < 3 && System.nanoTime() < deadline) {
            clocks.get(1).advance(Duration.ofMillis(100));
            Thread.sleep(20); // the 300 ms node timeout is measured on Redis's clock: real time must pass
        }
        eventsAre("channel.occupied:mine", "channel.occupied:shared", "channel.vacated:mine");
    }

    @Test
    void aNodeTheClusterForgotReassertsItsChannels() throws Exception {
        OccupancyTracker a = node(1).tracker();
        a.subscribed("app", "room");
        eventsAre("channel.occupied:room");
        // Redis loses the occupancy (as a restart without persistence would).
        String p = settings.keyPrefix();
        redis.command("DEL " + p + "wh:nodes " + p + "wh:node:node-1:occ " + p + "app:wh:occ:room");
        clocks.get(0).advance(Duration.ofMillis(100));
        eventsAre("channel.occupied:room", "channel.occupied:room");
        assertThat(redis.command("SISMEMBER " + p + "app:wh:occ:room node-1")).isEqualTo(":1");
        a.unsubscribed("app", "room");
        eventsAre("channel.occupied:room", "channel.occupied:room", "channel.vacated:room");
    }

    @Test
    void aNodeThatStopsGracefullyLeavesItsChannelsAtOnce() throws Exception {
        OccupancyTracker a = node(1).tracker();
        a.subscribed("app", "room");
        eventsAre("channel.occupied:room");
        holdings.get(0).close();
        open.remove(holdings.get(0));
        eventsAre("channel.occupied:room", "channel.vacated:room");
    }

    @Test
    void theConnectionsOfANodeThatDiesEndWith1006() throws Exception {
        Node a = node(1);
        node(2);
        a.holdings().connectionOpened("app", new WebhookEvent.PeerConnected("alice", "c1", null), true, true);
        a.holdings().connectionOpened("app", new WebhookEvent.PeerConnected("bob", "c2", null), true, false);
        eventsAre("peer.connected:c1:alice", "peer.connected:c2:bob");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events().size() < 3 && System.nanoTime() < deadline) {
            clocks.get(1).advance(Duration.ofMillis(100));
            Thread.sleep(20);
        }
        eventsAre("peer.connected:c1:alice", "peer.connected:c2:bob", "peer.disconnected:c1:1006");
        List<Logged> got = log.read(Map.of("app", EventLog.START), 10, Duration.ZERO).toCompletableFuture()
                .get(5, TimeUnit.SECONDS).get("app");
        assertThat(((WebhookEvent.PeerDisconnected) got.get(2).event()).reason()).isEqualTo("node lost");
    }

    @Test
    void aNodeTheClusterForgotReassertsItsConnectionsAndEndsThoseItNoLongerHas() throws Exception {
        Node a = node(1);
        a.holdings().connectionOpened("app", new WebhookEvent.PeerConnected("alice", "c1", null), true, true);
        a.holdings().connectionOpened("app", new WebhookEvent.PeerConnected("bob", "c2", null), true, true);
        eventsAre("peer.connected:c1:alice", "peer.connected:c2:bob");
        // Redis loses the node; the node still has c1 only (c2 closed while its call was lost).
        String p = settings.keyPrefix();
        redis.command("DEL " + p + "wh:nodes");
        redis.command("HDEL " + p + "wh:node:node-1:conns c1");
        connections.add(new NodeHoldings.HeldConnection("app", "c1", "alice"));
        clocks.get(0).advance(Duration.ofMillis(100));
        awaitRedis("HEXISTS " + p + "wh:node:node-1:conns c1", ":1");
        eventsAre("peer.connected:c1:alice", "peer.connected:c2:bob", "peer.disconnected:c2:1006");
        a.holdings().connectionClosed("app", new WebhookEvent.PeerDisconnected("alice", "c1", 1000, ""));
        eventsAre("peer.connected:c1:alice", "peer.connected:c2:bob", "peer.disconnected:c2:1006",
                "peer.disconnected:c1:1000");
    }
}

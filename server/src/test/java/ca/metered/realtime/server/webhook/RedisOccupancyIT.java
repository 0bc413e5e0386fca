package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.it.RedisServer;
import ca.metered.realtime.server.time.ManualScheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.redis.RedisEventLog;
import ca.metered.realtime.server.webhook.redis.RedisOccupancy;
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

/** Occupancy over a real {@code redis-server}: several nodes, one decision per transition. */
class RedisOccupancyIT extends OccupancyContract {
    private static RedisServer redis;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /** One clock per node: a node whose clock is not advanced stops beating, as a dead one. */
    private final List<ManualScheduler> clocks = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<RedisOccupancy> occupancies = new ArrayList<>();
    private ClusterSettings settings;
    private RedisEventLog log;

    @BeforeEach
    void connect() throws Exception {
        synchronized (RedisOccupancyIT.class) {
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
    protected OccupancyTracker node(int n) {
        ManualScheduler clock = new ManualScheduler();
        clocks.add(clock);
        RedisOccupancy occupancy = RedisOccupancy.connect(settings, "node-" + n, clock);
        open.add(occupancy);
        occupancies.add(occupancy);
        OccupancyTracker tracker = new OccupancyTracker(occupancy, (app, channel) -> !channel.startsWith("untracked"));
        occupancy.start(tracker::channels);
        return tracker;
    }

    @Override
    protected List<String> events() throws Exception {
        List<String> out = new ArrayList<>();
        List<Logged> got = log.read(Map.of("app", EventLog.START), 1000, Duration.ZERO).toCompletableFuture()
                .get(5, TimeUnit.SECONDS).getOrDefault("app", List.of());
        got.forEach(e -> out.add(e.event().type().wireName() + ":" + e.event().channel()));
        return out;
    }

    @Test
    void aChannelOnTwoNodesIsOccupiedOnceAndVacatedOnce() throws Exception {
        OccupancyTracker a = node(1);
        OccupancyTracker b = node(2);
        a.subscribed("app", "room");
        b.subscribed("app", "room");
        a.unsubscribed("app", "room");
        eventsAre("channel.occupied:room");
        b.unsubscribed("app", "room");
        eventsAre("channel.occupied:room", "channel.vacated:room");
    }

    @Test
    void aNodeThatDiesIsTakenOffTheChannelsOnlyItWasOn() throws Exception {
        OccupancyTracker a = node(1);
        OccupancyTracker b = node(2);
        a.subscribed("app", "mine");
        a.subscribed("app", "shared");
        b.subscribed("app", "shared");
        eventsAre("channel.occupied:mine", "channel.occupied:shared");
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
        OccupancyTracker a = node(1);
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
        OccupancyTracker a = node(1);
        a.subscribed("app", "room");
        eventsAre("channel.occupied:room");
        occupancies.get(0).close();
        open.remove(occupancies.get(0));
        eventsAre("channel.occupied:room", "channel.vacated:room");
    }
}

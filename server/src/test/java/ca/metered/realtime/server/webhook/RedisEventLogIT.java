package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.it.RedisServer;
import ca.metered.realtime.server.webhook.EventLog.Append;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelOccupied;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.redis.RedisEventLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The EventLog contract against a real {@code redis-server}: nodes are separate clients of it. */
class RedisEventLogIT extends EventLogContract {
    private static RedisServer redis;
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    /** Each test gets its own keys, so tests cannot see each other's logs or leases. */
    private String prefix;

    @Override
    protected EventLog log(int node) {
        synchronized (RedisEventLogIT.class) {
            if (redis == null) {
                redis = RedisServer.start();
            }
        }
        if (prefix == null) {
            prefix = "t" + PREFIXES.incrementAndGet() + ":";
        }
        return RedisEventLog.connect(ClusterSettings.of(redis.uri()).withKeyPrefix(prefix), "node-" + node);
    }

    @Override
    protected boolean shared() {
        return true;
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Test
    void theEventTimeIsWhenRedisAppendedIt() throws Exception {
        long before = System.currentTimeMillis();
        await(a.append("app", new ChannelOccupied("c")));
        Logged e = await(a.read(Map.of("app", EventLog.START), 10, Duration.ZERO)).get("app").get(0);
        assertThat(e.time()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        assertThat(e.id()).startsWith(Long.toString(e.time()));
    }

    @Test
    void anExpiredLeaseGoesToTheNextNodeThatAsks() throws Exception {
        EventLog b = log(2);
        try {
            // A lease long enough that b's first ask (one Redis round trip) lands inside it even on
            // a loaded machine (200 ms did not), short enough that waiting it out stays cheap.
            assertThat(await(a.lead("app", Duration.ofMillis(1500)))).isTrue();
            assertThat(await(b.lead("app", Duration.ofSeconds(10)))).isFalse();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean taken = false;
            while (!taken && System.nanoTime() < deadline) {
                taken = await(b.lead("app", Duration.ofSeconds(10)));
            }
            assertThat(taken).isTrue();
        } finally {
            b.close();
        }
    }

    @Test
    void whatTheScriptsCouldNotAppendIsCountedForTheReader() throws Exception {
        for (int i = 0; i < 3; i++) {
            await(a.append("app", new ChannelOccupied("c" + i)));
        }
        // A full log: presence scripts count their drops in Redis (node appends report theirs).
        redis.command("INCRBY " + prefix + "app:wh:dropped 2");
        assertThat(await(a.append("app", new ChannelOccupied("more")))).isEqualTo(Append.FULL);
        assertThat(await(a.takeDropped("app"))).isEqualTo(2);
        assertThat(await(a.takeDropped("app"))).isZero();
    }

    @Test
    void anUnreachableRedisMakesAppendsUnavailableNotStuck() throws Exception {
        RedisServer own = RedisServer.start();
        EventLog log = RedisEventLog.connect(ClusterSettings.of(own.uri()), "n");
        try {
            await(log.configure("app", 10, false));
            own.stop();
            Append result = await(log.append("app", new ChannelOccupied("c")));
            assertThat(result).isEqualTo(Append.UNAVAILABLE);
        } finally {
            log.close();
            own.close();
        }
    }

    @Test
    void readsSpanAppsInOneCall() throws Exception {
        await(a.configure("b", 10, false));
        await(a.append("app", new ChannelOccupied("x")));
        await(a.append("b", new ChannelOccupied("y")));
        Map<String, List<Logged>> got = await(a.read(Map.of("app", EventLog.START, "b", EventLog.START), 10,
                Duration.ofSeconds(1)));
        assertThat(got.keySet()).containsExactlyInAnyOrder("app", "b");
    }
}

package ca.metered.realtime.server.history.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.cluster.redis.CommandPipe;
import ca.metered.realtime.server.history.Appended;
import ca.metered.realtime.server.history.HistoryQuery;
import ca.metered.realtime.server.history.HistoryRead;
import ca.metered.realtime.server.history.HistoryStore;
import ca.metered.realtime.server.history.HistoryStoreContract;
import ca.metered.realtime.server.history.NewMessage;
import ca.metered.realtime.server.history.Retention;
import ca.metered.realtime.server.it.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The history contract on a real {@code redis-server}: two nodes are two connections with their
 * own {@link RedisHistory}, and what the fan-out delivered is what a third connection, subscribed
 * to the topics, received, in Redis's order. Time is Redis's own: {@link #elapse} waits for it.
 */
class RedisHistoryIT extends HistoryStoreContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static RedisServer redis;
    private static RedisClient client;

    private final String prefix = "h" + PREFIXES.incrementAndGet() + ":";
    private StatefulRedisConnection<String, String> node1;
    private CommandPipe pipe1;
    private CommandPipe pipe2;
    private StatefulRedisConnection<String, String> node2;
    private StatefulRedisPubSubConnection<String, String> listener;
    private RedisHistory history1;
    private RedisHistory history2;
    private final Map<String, List<StreamPosition>> delivered = Collections.synchronizedMap(new HashMap<>());

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        client = RedisClient.create(redis.uri().toString());
        // The protocol the backplane speaks (RedisBackplane): the contract runs over RESP2, where
        // Lettuce 7.2.3 folds several XREAD/XREADGROUP entries into one (lettuce issue 3800).
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
    }

    @AfterAll
    static void stopRedis() {
        client.shutdown();
        redis.close();
    }

    @BeforeEach
    void connect() {
        node1 = client.connect();
        node2 = client.connect();
        pipe1 = new CommandPipe(node1, "test-pipe-1");
        pipe2 = new CommandPipe(node2, "test-pipe-2");
        history1 = new RedisHistory(node1.async(), pipe1, prefix);
        history2 = new RedisHistory(node2.async(), pipe2, prefix);
        listener = client.connectPubSub();
        listener.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String topic, String payload) {
                String channel = topic.substring((prefix + "t:").length());
                delivered.computeIfAbsent(channel, c -> Collections.synchronizedList(new ArrayList<>()))
                        .add(positionOf(payload));
            }
        });
        listener.sync().psubscribe(prefix + "t:*");
    }

    @AfterEach
    void disconnect() {
        listener.close();
        pipe1.close();
        pipe2.close();
        node1.close();
        node2.close();
    }

    /** The position a published payload carries: {@code h\n{epoch}\n{offset}\n…}, or none for {@code m\n…}. */
    private static StreamPosition positionOf(String payload) {
        if (payload.charAt(0) == RedisHistory.PLAIN) {
            return null;
        }
        String[] f = payload.split("\n", 4);
        return new StreamPosition(f[1], Long.parseLong(f[2]));
    }

    @Override
    protected HistoryStore store() {
        return history1;
    }

    @Override
    protected HistoryStore otherNode() {
        return history2;
    }

    @Override
    protected Appended publish(boolean onNode2, String channel, Retention retention, NewMessage m, String key,
                               Duration window) {
        String head = "node-" + (onNode2 ? 2 : 1) + "\n-1\n";
        String tail = head + RedisHistory.entry(m.from(), m.fromMetadata(), m.data());
        return (onNode2 ? history2 : history1).publish("app", channel, retention, key, window, prefix + "t:" + channel,
                tail, head.length()).toCompletableFuture().join();
    }

    @Override
    protected List<StreamPosition> delivered(String channel, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (delivered.getOrDefault(channel, List.of()).size() < atLeast && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
        }
        List<StreamPosition> got = delivered.getOrDefault(channel, List.of());
        synchronized (got) {
            return new ArrayList<>(got);
        }
    }

    @Override
    protected void loseEverything() {
        node1.sync().flushall();
    }

    @Override
    protected void elapse(Duration d) {
        long until = redisMillis() + d.toMillis();
        while (redisMillis() < until) {
            LockSupport.parkNanos(20_000_000);
        }
    }

    private long redisMillis() {
        List<String> t = node1.sync().time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    @Test
    void theStreamIsCappedAtTheSizeAndBothKeysExpireAfterTheTtl() {
        Retention three = new Retention(3, Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            publish("room", three, "m" + i);
        }
        assertThat(node1.sync().xlen(prefix + "app:hs:room")).isEqualTo(3);
        assertThat(node1.sync().pttl(prefix + "app:hs:room")).isBetween(1L, 30_000L);
        assertThat(node1.sync().pttl(prefix + "app:hm:room")).isBetween(1L, 30_000L);
        assertThat(node1.sync().hget(prefix + "app:hm:room", "o")).isEqualTo("5");
    }

    @Test
    void aPositionWrittenByAnotherRedisProcessStartsANewEpoch() {
        // As after a restart from a persistence file or a failover: the newest writes may be lost
        // and their offsets would be handed out again, so the old positions must not recover.
        Appended a = publish("room", TEN, "a");
        node1.sync().hset(prefix + "app:hm:room", "r", "0000");
        StreamPosition now = history1.position("app", "room", TEN).toCompletableFuture().join();
        assertThat(now.epoch()).isNotEqualTo(a.position().epoch());
        assertThat(now.offset()).isZero();
        assertThat(node1.sync().xlen(prefix + "app:hs:room")).isZero();
    }

    @Test
    void aRepeatedKeyLivesInRedisForTheWindow() {
        publish(false, "room", null, message("a"), "key-1", Duration.ofSeconds(20));
        String idem = prefix + "app:idem:4:room:key-1";
        assertThat(node1.sync().get(idem)).isEqualTo("\n0\n1");
        assertThat(node1.sync().pttl(idem)).isBetween(1L, 20_000L);
    }

    @Test
    void multiByteTextBeforeAndInTheEntryIsKeptIntact() {
        String head = "nœud-é\n-1\n";
        RawJson data = RawJson.of("\"日本語 ✓\"");
        String tail = head + RedisHistory.entry("pé", RawJson.of("{\"n\":\"ü\"}"), data);
        history1.publish("app", "ch-é", TEN, null, WINDOW, prefix + "t:ch-é", tail, head.length())
                .toCompletableFuture().join();
        HistoryRead r = history1.read("app", "ch-é", TEN, new HistoryQuery(null, 5, Long.MAX_VALUE))
                .toCompletableFuture().join();
        var e = ((HistoryRead.Page) r).entries().get(0);
        assertThat(e.from()).isEqualTo("pé");
        assertThat(e.data()).isEqualTo(data);
        assertThat(e.fromMetadata()).isEqualTo(RawJson.of("{\"n\":\"ü\"}"));
    }

    @Test
    void aReadOfManyEntriesOverResp2ReturnsEachEntryOnItsOwn() {
        // Reads go through a script with a MULTI reply, not Lettuce's stream-read decoder: this
        // pins that several entries in one reply stay apart on the backplane's protocol.
        assertThat(node1.sync().clientInfo()).containsPattern("\\bresp=2\\b");
        for (int i = 0; i < 25; i++) {
            publish("room", TEN, "m" + i);
        }
        HistoryRead r = history1.read("app", "room", TEN, new HistoryQuery(null, 25, Long.MAX_VALUE))
                .toCompletableFuture().join();
        var entries = ((HistoryRead.Page) r).entries();
        assertThat(entries).hasSize(10);
        for (int i = 0; i < entries.size(); i++) {
            assertThat(entries.get(i).offset()).isEqualTo(16 + i);
            assertThat(entries.get(i).data()).isEqualTo(RawJson.of("\"m" + (15 + i) + "\""));
            assertThat(entries.get(i).from()).isEqualTo("alice");
        }
    }
}

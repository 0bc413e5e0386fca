package ca.metered.realtime.server.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.it.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link CommandPipe} on a real {@code redis-server}: order, deferred commands, at-most-once. */
class CommandPipeIT {
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static RedisServer redis;
    private static ClientResources resources;
    private static RedisClient client;

    private StatefulRedisConnection<String, String> connection;
    private CommandPipe pipe;
    private final String key = "pipe" + KEYS.incrementAndGet();

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        ClusterSettings d = ClusterSettings.of(redis.uri());
        // A command timeout far beyond the test's waits: a command fails because the connection
        // dropped, not because it timed out.
        ClusterSettings s = new ClusterSettings(d.redis(), d.password(), 0, false, d.keyPrefix(), d.heartbeatInterval(),
                d.nodeTimeout(), d.reconnectDelay(), Duration.ofMinutes(5), d.reassertDelay(), d.leaveTimeout());
        resources = RedisClients.resources(s);
        client = RedisClients.create(s, resources, ProtocolVersion.RESP2);
    }

    @AfterAll
    static void stop() throws Exception {
        client.shutdown();
        resources.shutdown(0, 2, TimeUnit.SECONDS).get();
        redis.close();
    }

    @BeforeEach
    void connect() {
        connection = client.connect();
        pipe = new CommandPipe(connection, "test-pipe", CommandPipe.DEFAULT_MAX_PENDING,
                ca.metered.realtime.server.transport.EventLoops::current);
    }

    @AfterEach
    void disconnect() {
        pipe.close();
        connection.close();
    }

    private CompletableFuture<Long> rpush(String value) {
        return pipe.submit(CommandType.RPUSH, new IntegerOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(key).addValue(value));
    }

    private CompletableFuture<Long> incr(String k) {
        return pipe.submit(CommandType.INCR, new IntegerOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(k));
    }

    @Test
    void submissionsFromManyThreadsAndFromReplyCallbacksKeepEachSubmittersOrder() throws Exception {
        int threads = 4;
        int n = 500;
        List<Thread> started = new ArrayList<>();
        List<List<Long>> replies = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Long> mine = Collections.synchronizedList(new ArrayList<>());
            replies.add(mine);
            int tt = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    rpush(tt + ":" + i).thenAccept(mine::add);
                }
            });
            started.add(th);
            th.start();
        }
        // A chain submitting from Lettuce's event loop (each next push from the previous reply).
        CompletableFuture<Void> chain = new CompletableFuture<>();
        AtomicInteger link = new AtomicInteger();
        Runnable[] next = new Runnable[1];
        next[0] = () -> rpush("c:" + link.get()).whenComplete((v, err) -> {
            if (link.incrementAndGet() < n) {
                next[0].run();
            } else {
                chain.complete(null);
            }
        });
        next[0].run();
        for (Thread th : started) {
            th.join();
        }
        chain.get(10, TimeUnit.SECONDS);
        List<String> list = connection.sync().lrange(key, 0, -1);
        assertThat(list).hasSize(threads * n + n);
        for (String who : List.of("0", "1", "2", "3", "c")) {
            List<Integer> seq = list.stream().filter(v -> v.startsWith(who + ":"))
                    .map(v -> Integer.parseInt(v.substring(v.indexOf(':') + 1))).toList();
            assertThat(seq).as("submitter %s", who).hasSize(n).isSorted().doesNotHaveDuplicates();
        }
        // Replies (RPUSH answers the list's length) reach each submitter in its order.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (replies.stream().anyMatch(r -> r.size() < n) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        for (List<Long> r : replies) {
            synchronized (r) {
                assertThat(r).hasSize(n).isSorted();
            }
        }
    }

    @Test
    void publishesFromManyThreadsArriveInEachSubmittersOrderWithTheirReceiverCounts() throws Exception {
        String topic = key + ":t";
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
        try {
            sub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(message);
                }
            });
            sub.sync().subscribe(topic);
            int threads = 4;
            int n = 1_000;
            List<CompletableFuture<Long>> counts = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Long>> unheard = Collections.synchronizedList(new ArrayList<>());
            List<Thread> started = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < n; i++) {
                        counts.add(pipe.publish(topic, tt + ":" + i));
                        if (i % 7 == 0) { // other commands split the runs of publishes
                            rpush(tt + ":" + i);
                            unheard.add(pipe.publish(topic + ":nobody", "x"));
                        }
                    }
                });
                started.add(th);
                th.start();
            }
            for (Thread th : started) {
                th.join();
            }
            for (CompletableFuture<Long> c : counts) {
                assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            }
            for (CompletableFuture<Long> c : unheard) {
                assertThat(c.get(10, TimeUnit.SECONDS)).isZero();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received.size() < threads * n && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            synchronized (received) {
                assertThat(received).hasSize(threads * n).doesNotHaveDuplicates();
                for (int t = 0; t < threads; t++) {
                    String who = t + ":";
                    List<Integer> seq = received.stream().filter(v -> v.startsWith(who))
                            .map(v -> Integer.parseInt(v.substring(who.length()))).toList();
                    assertThat(seq).as("publisher %s", t).hasSize(n).isSorted();
                }
            }
        } finally {
            sub.close();
        }
    }

    @Test
    void commandsMadeLaterGoOutAtTheirPlaceInTheOrder() {
        pipe.submit(CommandType.SET, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(key).addValue("1"));
        AtomicInteger made = new AtomicInteger();
        pipe.submitLater(() -> {
            made.incrementAndGet();
            return List.of(new AsyncCommand<>(new Command<>(CommandType.INCRBY, new IntegerOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).addKey(key).add(10))));
        });
        String after = pipe.submit(CommandType.GET, new ValueOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(key)).join();
        assertThat(after).isEqualTo("11");
        assertThat(made).hasValue(1);
    }

    @Test
    void commandsUnansweredWhenTheConnectionDropsFailInOrderAndAreNeverSentAgain() {
        String counter = key + ":n";
        incr(counter).join(); // connected, counter = 1
        // Redis holds the node's writes unexecuted; the admin connection is not paused for CLIENT.
        assertThat(redis.command("CLIENT PAUSE 5000 WRITE")).isEqualTo("+OK");
        List<Integer> failedInOrder = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Long>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int ii = i;
            CompletableFuture<Long> f = incr(counter);
            f.whenComplete((v, err) -> {
                if (err != null) {
                    failedInOrder.add(ii);
                }
            });
            sent.add(f);
        }
        // The 20 INCRs are written (or waiting to be); then the connection goes away under them.
        assertThat(redis.command("CLIENT KILL TYPE normal")).startsWith(":");
        assertThat(redis.command("CLIENT UNPAUSE")).isEqualTo("+OK");
        for (CompletableFuture<Long> f : sent) {
            assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
        assertThat(failedInOrder).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
        // Once Lettuce has reconnected, a new command runs; none of the 20 ran, before or after.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Long now = null;
        while (now == null) {
            try {
                now = incr(counter).join();
            } catch (CompletionException notYet) {
                assertThat(System.nanoTime()).as("reconnected within 10 s").isLessThan(deadline);
                LockSupport.parkNanos(20_000_000);
            }
        }
        assertThat(now).isEqualTo(2);
    }

    @Test
    void trafficBeyondTheCountBoundIsRefusedAtOnceWhileTheNodesOwnCommandsStillGo() throws Exception {
        int max = 8;
        try (CommandPipe bounded = new CommandPipe(connection, "test-bounded", max,
                ca.metered.realtime.server.transport.EventLoops::current)) {
            String counter = key + ":n";
            bounded.submit(CommandType.INCR, new IntegerOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).addKey(counter)).join(); // connected
            // Redis holds the writes (PUBLISH may replicate: paused too) unanswered.
            assertThat(redis.command("CLIENT PAUSE 10000 WRITE")).isEqualTo("+OK");
            List<CompletableFuture<Long>> accepted = new ArrayList<>();
            for (int i = 0; i < max; i++) {
                accepted.add(bounded.publish("ch", "m" + i));
            }
            assertThat(bounded.pending()).isEqualTo(max);
            CompletableFuture<Long> refused = bounded.publish("ch", "over");
            CompletableFuture<Object> refusedScript = bounded.publishScript(
                    "return 1".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    io.lettuce.core.ScriptOutputType.INTEGER);
            CompletableFuture<Long> refusedCounter = bounded.submitTraffic(CommandType.INCR,
                    new IntegerOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).addKey(counter));
            for (CompletableFuture<?> f : List.of(refused, refusedScript, refusedCounter)) {
                assertThat(f).isCompletedExceptionally(); // at once, not after Redis answers
                assertThatThrownBy(f::join).hasCauseInstanceOf(CommandPipe.Overloaded.class)
                        .hasMessageContaining("backplane overloaded");
            }
            // The node's own state changes are not refused by the bound.
            CompletableFuture<Long> own = bounded.submit(CommandType.INCR, new IntegerOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).addKey(counter));
            assertThat(own).isNotDone();
            assertThat(redis.command("CLIENT UNPAUSE")).isEqualTo("+OK");
            for (CompletableFuture<Long> f : accepted) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isZero(); // nobody subscribes to "ch"
            }
            assertThat(own.get(10, TimeUnit.SECONDS)).isEqualTo(2); // the refused INCR never ran
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (bounded.pending() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            assertThat(bounded.pending()).isZero();
            // Room again: traffic is accepted once Redis has answered.
            assertThat(bounded.publish("ch", "again").get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void afterCloseSubmissionsFail() {
        pipe.close();
        assertThatThrownBy(() -> incr(key).join()).hasMessageContaining("backplane closed");
    }
}

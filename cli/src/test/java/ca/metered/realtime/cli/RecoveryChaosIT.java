package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.HistoryPage;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.PublishOptions;
import ca.metered.realtime.client.ReconnectOptions;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery guarantee of docs/history.md under chaos, with real processes: two {@code rms serve}
 * nodes joined by a real {@code redis-server}, publishers sending numbered messages (idempotent
 * publish, retried under the same key), Java SDK subscribers with recovery on, each behind its own
 * {@link DroppingProxy} cut at random; one node is SIGKILLed and restarted, Redis is restarted
 * once (without persistence: the history is lost, so the epoch changes).
 *
 * <p>Every subscriber must end with every message exactly once and in per-publisher order, except
 * across an explicit {@code recovered: false} ({@link ClientEvent.Recovery}): there, and only
 * there, messages may be missing or repeated. The counts are printed. Publishing lasts
 * {@code -Drms.chaos.seconds} (default 12; scripts/chaos-recovery.sh runs it longer).
 */
class RecoveryChaosIT {
    private static final Pattern LISTENING = Pattern.compile("rms listening on ws://[^:]+:(\\d+)");
    private static final String CHANNEL = "chaos/room";
    private static final int PUBLISHERS = 3;
    private static final int SUBSCRIBERS = 4;
    private static final int SECONDS = Integer.getInteger("rms.chaos.seconds", 12);
    private static final long SEED = Long.getLong("rms.chaos.seed", System.nanoTime());
    private static final String YAML = """
            server:
              host: 127.0.0.1
              port: 0
            apps:
              - id: demo
                publishableKeys:
                  - key: pk_live_demo
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                limits:
                  maxMessageSize: 65536
                  maxChannelsPerConnection: 100
                  messageRate: 1000
                  messageBurst: 2000
                  maxConcurrentConnections: 10000
                  maxMessagesPerPeriod: 0
                history:
                  - channels: ["chaos/**"]
                    size: 10000
                    ttl: 10m
            """;

    @TempDir
    Path dir;
    private RedisProcess redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<List<String>> logs = new ArrayList<>();

    /** What one subscriber saw, in order: messages and recovery outcomes. */
    private sealed interface Seen permits Got, Lost {
    }

    private record Got(int publisher, long n, StreamPosition position) implements Seen {
    }

    private record Lost(StreamPosition from, StreamPosition position) implements Seen {
    }

    @AfterEach
    void stopAll() throws Exception {
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void everySubscriberGetsEveryMessageOnceInOrderOrIsToldItCannot() throws Exception {
        Random random = new Random(SEED);
        System.out.println("RecoveryChaosIT seed " + SEED + " (-Drms.chaos.seed), " + SECONDS + " s of publishing");
        redis = RedisProcess.start();
        Path config = dir.resolve("rms.yaml");
        Files.writeString(config, YAML);
        RmsProcess a = node(config);
        RmsProcess[] b = {node(config)};
        int portA = port(a);
        int portB = port(b[0]);

        List<DroppingProxy> toB = new ArrayList<>();
        List<DroppingProxy> proxies = new ArrayList<>();
        List<List<Seen>> seen = new ArrayList<>();
        List<SignallingClient> subscribers = new ArrayList<>();
        for (int i = 0; i < SUBSCRIBERS; i++) {
            DroppingProxy proxy = proxy(i % 2 == 0 ? portA : portB, i % 2 == 0 ? null : toB, proxies);
            List<Seen> log = Collections.synchronizedList(new ArrayList<>());
            List<String> sdkLog = Collections.synchronizedList(new ArrayList<>());
            logs.add(sdkLog);
            SignallingClient c = client(proxy, sdkLog);
            c.on(ClientEvent.Message.class, m -> log.add(new Got(m.data().get("p").asInt(), m.data().get("n").asLong(),
                    m.position())));
            c.on(ClientEvent.Recovery.class, r -> {
                if (!r.recovered()) {
                    log.add(new Lost(r.from(), r.position()));
                }
            });
            c.connect().get(10, TimeUnit.SECONDS);
            c.subscribe(CHANNEL).get(10, TimeUnit.SECONDS);
            seen.add(log);
            subscribers.add(c);
        }
        AtomicLong[] lastAcked = new AtomicLong[PUBLISHERS];
        AtomicLong retriedCalls = new AtomicLong();
        long endNanos = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            DroppingProxy proxy = proxy(p % 2 == 0 ? portB : portA, p % 2 == 0 ? toB : null, proxies);
            SignallingClient c = client(proxy, Collections.synchronizedList(new ArrayList<>()));
            c.connect().get(10, TimeUnit.SECONDS);
            lastAcked[p] = new AtomicLong();
            int id = p;
            Thread t = new Thread(() -> publish(c, id, stop, lastAcked[id], retriedCalls), "publisher-" + p);
            t.start();
            publishers.add(t);
        }

        // The chaos: random drops all along, a SIGKILLed node at 30 %, a Redis restart at 65 %;
        // publishing goes on until both happened and the time is up (a restart may take long).
        long start = System.nanoTime();
        boolean killed = false;
        boolean redisRestarted = false;
        int drops = 0;
        long afterRedis = Long.MAX_VALUE; // at least 3 s of chaos after the Redis restart
        long redisNotBefore = Long.MAX_VALUE; // 4 s after the node restart: its clients are back
        while (System.nanoTime() < endNanos || !killed || !redisRestarted || System.nanoTime() < afterRedis) {
            double progress = (double) (System.nanoTime() - start) / (endNanos - start);
            if (!killed && progress >= 0.3) {
                killed = true;
                b[0].process.destroyForcibly(); // SIGKILL
                b[0].process.waitFor(10, TimeUnit.SECONDS);
                b[0] = node(config);
                int newPort = port(b[0]);
                toB.forEach(x -> x.retarget(newPort));
                redisNotBefore = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                System.out.println("node B SIGKILLed and restarted on port " + newPort);
            } else if (!redisRestarted && progress >= 0.65 && System.nanoTime() >= redisNotBefore) {
                redisRestarted = true;
                redis.restart();
                afterRedis = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                System.out.println("redis-server restarted (no persistence: history lost)");
            } else {
                proxies.get(random.nextInt(proxies.size())).drop();
                drops++;
                LockSupport.parkNanos(Duration.ofMillis(150 + random.nextInt(350)).toNanos()); // pacing, not a wait
            }
        }
        stop.set(true);
        for (Thread t : publishers) {
            t.join(Duration.ofSeconds(90).toMillis());
            assertThat(t.isAlive()).as("publisher finished").isFalse();
        }

        // Everyone catches up on what was published (no more chaos now).
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        for (List<Seen> log : seen) {
            while (!caughtUp(log, lastAcked) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000_000);
            }
        }

        long published = 0;
        for (AtomicLong l : lastAcked) {
            published += l.get();
        }
        List<String> counts = new ArrayList<>();
        for (int i = 0; i < SUBSCRIBERS; i++) {
            List<Seen> log;
            synchronized (seen.get(i)) {
                log = new ArrayList<>(seen.get(i));
            }
            if (!caughtUp(log, lastAcked)) {
                System.out.println("subscriber " + i + " did not catch up; last seen: "
                        + log.subList(Math.max(0, log.size() - 12), log.size()));
                List<String> lines;
                synchronized (logs.get(i)) {
                    lines = new ArrayList<>(logs.get(i));
                }
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> System.out.println("  sdk: " + l));
                for (RmsProcess n : List.of(a, b[0])) {
                    n.stderrText().lines().filter(l -> l.contains("WARN") || l.contains("ERROR")).limit(30)
                            .forEach(l -> System.out.println("  node: " + l));
                }
            }
            Tally t = check(log, lastAcked, "subscriber " + i);
            if (t.lostAcross > 0) {
                int idx = i;
                synchronized (logs.get(i)) {
                    logs.get(i).stream().filter(l -> l.contains("recover") || l.contains("gap") || l.contains("WARN"))
                            .limit(40).forEach(l -> System.out.println("  sdk " + idx + ": " + l));
                }
            }
            counts.add(String.format("subscriber %d: %d delivered, %d recovered:false, %d lost and %d repeated across them",
                    i, t.delivered, t.unrecovered, t.lostAcross, t.repeatedAcross));
        }
        System.out.printf("RecoveryChaosIT: %d messages from %d publishers (%d publish calls retried), %d drops, "
                + "1 SIGKILL + restart, 1 Redis restart (4 s or more after it)%n", published, PUBLISHERS, retriedCalls.get(), drops);
        counts.forEach(System.out::println);

        // and the history of the channel, read through the SDK, ends with the newest messages in order
        HistoryPage page = subscribers.get(0).history(CHANNEL, 5).get(10, TimeUnit.SECONDS);
        assertThat(page.messages()).hasSize(5);
        for (int i = 1; i < page.messages().size(); i++) {
            assertThat(page.messages().get(i).position().offset())
                    .isEqualTo(page.messages().get(i - 1).position().offset() + 1);
        }
        assertThat(page.messages().get(4).position()).isEqualTo(page.position());
        assertThat(published).as("messages published").isGreaterThan(PUBLISHERS * 10L);
    }

    private static final class Tally {
        long delivered;
        int unrecovered;
        long lostAcross;
        long repeatedAcross;
    }

    /**
     * Per publisher, between two {@code recovered:false}: n, n+1, n+2, … (nothing lost, repeated or
     * reordered); from the start: 1, 2, …; at the end: the publisher's last acked message.
     */
    private static Tally check(List<Seen> log, AtomicLong[] lastAcked, String who) {
        Tally t = new Tally();
        long[] last = new long[lastAcked.length];
        boolean[] declared = new boolean[lastAcked.length];
        for (Seen s : log) {
            if (s instanceof Lost) {
                t.unrecovered++;
                java.util.Arrays.fill(declared, true);
                continue;
            }
            Got g = (Got) s;
            t.delivered++;
            int p = g.publisher();
            if (declared[p]) {
                if (g.n() <= last[p]) {
                    t.repeatedAcross += last[p] - g.n() + 1;
                } else {
                    t.lostAcross += g.n() - last[p] - 1;
                }
                declared[p] = false;
            } else {
                assertThat(g.n()).as("%s: publisher %d after %d (at %s)", who, p, last[p], g.position())
                        .isEqualTo(last[p] + 1);
            }
            last[p] = g.n();
        }
        for (int p = 0; p < lastAcked.length; p++) {
            assertThat(last[p]).as("%s: the last message of publisher %d", who, p).isEqualTo(lastAcked[p].get());
        }
        return t;
    }

    private static boolean caughtUp(List<Seen> log, AtomicLong[] lastAcked) {
        long[] max = new long[lastAcked.length];
        synchronized (log) {
            for (Seen s : log) {
                if (s instanceof Got g) {
                    max[g.publisher()] = g.n();
                }
            }
        }
        for (int p = 0; p < max.length; p++) {
            if (max[p] != lastAcked[p].get()) {
                return false;
            }
        }
        return true;
    }

    /** Numbered messages one after the other; each is retried under its own key until acked. */
    private static void publish(SignallingClient c, int id, AtomicBoolean stop, AtomicLong lastAcked, AtomicLong retried) {
        long n = 0;
        while (!stop.get()) {
            n++;
            PublishOptions once = PublishOptions.withKey("p" + id + "-" + n).retryFor(Duration.ofSeconds(20));
            while (true) {
                try {
                    c.publish(CHANNEL, Map.of("p", id, "n", n), once).get(30, TimeUnit.SECONDS);
                    break;
                } catch (Exception e) {
                    retried.incrementAndGet(); // same key again: delivered once whatever happened
                }
            }
            lastAcked.set(n);
            LockSupport.parkNanos(Duration.ofMillis(15).toNanos()); // pacing, not a wait
        }
    }

    /** The SDK's info and warn lines, with a timestamp, printed for a subscriber that fell behind. */
    private static Logger recording(List<String> lines) {
        return new Logger() {
            @Override
            public void debug(String message, Map<String, Object> context) {
            }

            @Override
            public void info(String message, Map<String, Object> context) {
                lines.add(System.currentTimeMillis() % 100_000 + " INFO " + message + " " + context);
            }

            @Override
            public void warn(String message, Map<String, Object> context) {
                lines.add(System.currentTimeMillis() % 100_000 + " WARN " + message + " " + context);
            }

            @Override
            public void error(String message, Map<String, Object> context) {
                lines.add(System.currentTimeMillis() % 100_000 + " ERROR " + message + " " + context);
            }
        };
    }

    private SignallingClient client(DroppingProxy proxy, List<String> sdkLog) {
        SignallingClient c = SignallingClient.create(SignallingClientOptions.builder()
                .apiKey("pk_live_demo")
                .logger(recording(sdkLog))
                .url("ws://127.0.0.1:" + proxy.port())
                .recovery(true)
                .reconnect(ReconnectOptions.builder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(500))
                        .unlimitedAttempts().build())
                .build());
        closeables.add(c::dispose);
        return c;
    }

    private DroppingProxy proxy(int port, List<DroppingProxy> group, List<DroppingProxy> all) throws IOException {
        DroppingProxy p = new DroppingProxy(port);
        closeables.add(p);
        all.add(p);
        if (group != null) {
            group.add(p);
        }
        return p;
    }

    private RmsProcess node(Path config) throws IOException {
        RmsProcess p = RmsProcess.start(dir, Map.of("RMS_REDIS_URL", redis.url()),
                "serve", "--config", config.toString(), "--port", "0");
        closeables.add(p);
        return p;
    }

    private static int port(RmsProcess rms) throws InterruptedException {
        Matcher m = LISTENING.matcher(rms.awaitLine(l -> l.startsWith("rms listening on ws://")));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}

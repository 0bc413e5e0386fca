package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Sends generated WebSocket traffic ({@link WireFuzzer}: valid, mutated, truncated, wrongly
 * typed, oversized, binary, control and fragmented frames, and protocol violations) over many
 * connections, then checks the server still serves, logged no ERROR and no stack trace, leaked no
 * Netty buffer, released every connection, and that its live heap is back near its baseline.
 *
 * <p>The default is the short run of {@code ./run-tests} (100,000 frames). The nightly run is
 * the same test with more frames, e.g. {@code scripts/fuzz.sh 5000000} (docs/operations.md);
 * {@code -Dfuzz.frames}, {@code -Dfuzz.connections} and {@code -Dfuzz.seed} set it directly.
 */
class FuzzIT {
    private static final long FRAMES = Long.getLong("fuzz.frames", 100_000);
    private static final int CONNECTIONS = Integer.getInteger("fuzz.connections", 16);
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int MAX_MESSAGE_SIZE = 8192;
    /** Live heap may end at most this much above its baseline (GC noise, JIT, pooled caches). */
    private static final long HEAP_SLACK_BYTES = 24L << 20;

    private final LongAdder connections = new LongAdder();
    private final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();

    @Test
    void theServerSurvivesFuzzedTrafficAndReturnsToItsBaseline() throws Exception {
        ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
        // every buffer tracked in the short run; a leak is logged at ERROR and fails the test
        ResourceLeakDetector.setLevel(FRAMES <= 200_000 ? ResourceLeakDetector.Level.PARANOID
                : ResourceLeakDetector.Level.ADVANCED);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        String yaml = TestServer.singleApp("", "maxMessageSize: " + MAX_MESSAGE_SIZE
                + "\nmessageRate: 1000000\nmessageBurst: 1000000\n");
        try (TestServer server = TestServer.start(yaml)) {
            roundTrip(server);
            long baseline = liveHeap();
            long started = System.nanoTime();

            AtomicLong sent = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                long seed = SEED + i;
                workers.add(pool.submit(() -> fuzz(server.port(), seed, sent)));
            }
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.MINUTES);
            }
            pool.shutdown();
            long elapsed = System.nanoTime() - started;

            server.awaitSessionCount(0);
            awaitNoConnections(server);
            roundTrip(server);
            long after = liveHeap();
            System.out.printf("FuzzIT: seed %d, %,d frames over %,d connections in %.1f s; live heap %,d KiB before,"
                    + " %,d KiB after; kinds %s%n", SEED, sent.get(), connections.sum(), elapsed / 1e9,
                    baseline >> 10, after >> 10, kinds);

            assertThat(sent.get()).isGreaterThanOrEqualTo(FRAMES);
            assertThat(logs.list).as("ERROR events or stack traces (seed %d)", SEED)
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .isEmpty();
            assertThat(after).as("live heap after the run vs baseline %,d (seed %d)", baseline, SEED)
                    .isLessThan(baseline + Math.max(HEAP_SLACK_BYTES, baseline / 4));
        } finally {
            root.detachAppender(logs);
            ResourceLeakDetector.setLevel(leakLevel);
        }
    }

    /** One worker: connects, sends bursts until the shared count is reached, reconnects when closed. */
    private void fuzz(int port, long seed, AtomicLong sent) {
        WireFuzzer fuzzer = new WireFuzzer(seed, MAX_MESSAGE_SIZE);
        Conn conn = null;
        try {
            while (sent.get() < FRAMES) {
                if (conn == null || conn.closed) {
                    if (conn != null) {
                        conn.close();
                    }
                    conn = new Conn(port);
                    connections.increment();
                }
                WireFuzzer.Burst burst = fuzzer.next();
                kinds.computeIfAbsent(burst.kind(), k -> new LongAdder()).increment();
                try {
                    for (byte[] frame : burst.frames()) {
                        conn.out.write(frame);
                    }
                    conn.out.flush();
                } catch (IOException closedByServer) {
                    conn.closed = true;
                }
                sent.addAndGet(burst.frames().size());
                if (burst.endsConnection()) {
                    conn.closed = true; // leave the answer unread: an abrupt client is part of the test
                }
            }
        } finally {
            if (conn != null) {
                conn.close();
            }
        }
    }

    /** A raw WebSocket connection whose inbound bytes a daemon thread reads and discards. */
    private static final class Conn {
        final RawWs ws;
        final OutputStream out;
        volatile boolean closed;

        Conn(int port) {
            ws = RawWs.open(port, "/v1?key=" + TestServer.PK);
            try {
                out = ws.socket().getOutputStream();
                InputStream in = ws.socket().getInputStream();
                Thread drain = new Thread(() -> {
                    byte[] buf = new byte[16 * 1024];
                    try {
                        while (in.read(buf) >= 0) {
                            // discard: the fuzzer judges the server, not the answers
                        }
                    } catch (IOException ignored) {
                        // reset or closed by us
                    }
                    closed = true;
                }, "fuzz-drain");
                drain.setDaemon(true);
                drain.start();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void close() {
            ws.close();
        }
    }

    private static void roundTrip(TestServer server) {
        try (WsClient a = server.client(); WsClient b = server.client()) {
            a.subscribe("after-fuzz");
            b.sendJson("type", "publish", "channel", "after-fuzz", "data", "ok", "requestId", "p");
            b.expect("ack");
            assertThat(a.expect("message").path("data").asText()).isEqualTo("ok");
        }
    }

    private static void awaitNoConnections(TestServer server) {
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        while (server.server().openConnections() != 0) {
            assertThat(System.nanoTime()).as("connections still open: %d", server.server().openConnections())
                    .isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // polling a condition with a deadline
        }
    }

    /** Heap in use after full collections, once two readings agree within 1 MiB. */
    private static long liveHeap() {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < (1 << 20)) {
                return Math.min(previous, used);
            }
            previous = used;
        }
        return previous;
    }
}

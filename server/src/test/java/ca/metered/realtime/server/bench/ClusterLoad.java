package ca.metered.realtime.server.bench;

import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.it.RedisServer;
import ca.metered.realtime.server.it.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small, bounded load tool (not a test): two nodes in this JVM on one {@code redis-server},
 * publishers on node A, subscribers of the same channel on node B; reports cross-node messages
 * per second received by the subscribers. Usage (see docs/clustering.md):
 *
 * <pre>scripts/cluster-load.sh [seconds=10] [publishers=8] [subscribers=1] [payloadBytes=100]</pre>
 *
 * Starts its own {@code redis-server} on a free port unless {@code RMS_REDIS_URL} is set.
 */
public final class ClusterLoad {
    private static final int WINDOW = 64;

    private ClusterLoad() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int publishers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int subscribers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int payload = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        String external = System.getenv("RMS_REDIS_URL");
        RedisServer redis = external == null ? RedisServer.start() : null;
        URI redisUri = external == null ? redis.uri() : URI.create(external);
        String limits = "messageRate: 1000000\nmessageBurst: 1000000\nmaxConcurrentConnections: 100000";
        String server = "outboundBufferBytes: 67108864";
        ClusterSettings cluster = ClusterSettings.of(redisUri).withKeyPrefix("load" + System.nanoTime() + ":");
        try (TestServer a = TestServer.start(TestServer.singleApp(server, limits), cluster);
             TestServer b = TestServer.start(TestServer.singleApp(server, limits), cluster)) {
            HttpClient http = HttpClient.newHttpClient();
            AtomicLong received = new AtomicLong();
            List<WebSocket> subs = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                CountDownLatch subscribed = new CountDownLatch(1);
                WebSocket ws = http.newWebSocketBuilder().buildAsync(b.keyUri(TestServer.PK), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        if (last) {
                            String s = data.toString();
                            if (s.startsWith("{\"type\":\"message\"")) {
                                received.incrementAndGet();
                            } else if (s.contains("\"type\":\"ack\"")) {
                                subscribed.countDown();
                            }
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
                ws.sendText("{\"type\":\"subscribe\",\"channel\":\"load\",\"requestId\":\"s\"}", true).join();
                subscribed.await(10, TimeUnit.SECONDS);
                subs.add(ws);
            }
            String frame = "{\"type\":\"publish\",\"channel\":\"load\",\"requestId\":\"r\",\"data\":\""
                    + "x".repeat(payload) + "\"}";
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < publishers; i++) {
                // Closed loop: at most WINDOW publishes in flight per connection, released by acks,
                // so the tool measures what the cluster sustains instead of flooding it.
                java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(WINDOW);
                WebSocket ws = http.newWebSocketBuilder().buildAsync(a.keyUri(TestServer.PK), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        if (last && data.toString().contains("\"type\":\"ack\"")) {
                            sent.incrementAndGet();
                            window.release();
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
                Thread t = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                ws.sendText(frame, true).join();
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "publisher-" + i);
                threads.add(t);
            }
            threads.forEach(Thread::start);
            Thread.sleep(2000); // warm-up (JIT, connections), not measured
            long r0 = received.get();
            long s0 = sent.get();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long r1 = received.get();
            long s1 = sent.get();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            for (Thread t : threads) {
                t.join(5000);
            }
            System.out.printf("publishers=%d (node A) subscribers=%d (node B) payload=%dB duration=%.1fs%n",
                    publishers, subscribers, payload, elapsed);
            System.out.printf("acked %.0f msg/s; received cross-node %.0f msg/s (per subscriber %.0f msg/s)%n",
                    (s1 - s0) / elapsed, (r1 - r0) / elapsed, (r1 - r0) / elapsed / subscribers);
            subs.forEach(ws -> ws.abort());
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
        System.exit(0);
    }
}

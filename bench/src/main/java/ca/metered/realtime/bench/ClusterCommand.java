package ca.metered.realtime.bench;

import ca.metered.realtime.bench.load.DeliveryMeter;
import ca.metered.realtime.bench.load.Fleet;
import ca.metered.realtime.bench.load.LoadClient;
import ca.metered.realtime.bench.load.MachineCpu;
import ca.metered.realtime.bench.load.Payload;
import ca.metered.realtime.bench.load.Peer;
import ca.metered.realtime.bench.load.Protocol;
import ca.metered.realtime.bench.load.Result;
import ca.metered.realtime.bench.load.ServerProcess;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rms-bench cluster}: publishers on node A, subscribers of the same channel on node B,
 * each publisher keeping {@code --window} acked publishes in flight (closed loop, so it measures
 * what the cluster sustains). Reports cross-node messages/s received, publish acks/s, latency,
 * and the CPU of the processes given with {@code --pid} (both nodes and Redis) per message.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Cross-node messages/s: publishers on node A, subscribers on node B (rms with a Redis backplane).")
final class ClusterCommand implements Callable<Integer> {
    @Option(names = "--publish-url", required = true, description = "node A: ws://…/v1?key=…")
    URI publishUrl;

    @Option(names = "--subscribe-url", required = true, description = "node B: ws://…/v1?key=…")
    URI subscribeUrl;

    @Option(names = "--pid", split = ",", description = "processes whose CPU is counted (nodes, redis-server)")
    List<Long> pids = new ArrayList<>();

    @Option(names = "--publishers", defaultValue = "8", description = "default ${DEFAULT-VALUE}")
    int publishers;

    @Option(names = "--subscribers", defaultValue = "1", description = "default ${DEFAULT-VALUE}")
    int subscribers;

    @Option(names = "--window", defaultValue = "64", description = "unacked publishes per publisher (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--in-flight", defaultValue = "2048",
            description = "published and not yet received by every subscriber, at most, over all publishers (default ${DEFAULT-VALUE})")
    int inFlight;

    @Option(names = "--size", defaultValue = "100", description = "message body bytes (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--warmup", defaultValue = "3", description = "seconds (default ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--duration", defaultValue = "10", description = "seconds (default ${DEFAULT-VALUE})")
    int durationSeconds;

    @Option(names = "--threads", defaultValue = "2", description = "generator event loop threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--label", defaultValue = "rms", description = "server name in results")
    String label;

    @Option(names = "--json", description = "append the result as one JSON line to this file")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (size < Payload.MIN_SIZE) {
            throw new IllegalArgumentException("--size must be at least " + Payload.MIN_SIZE);
        }
        List<ServerProcess> procs = pids.stream().map(ServerProcess::new).toList();
        DeliveryMeter received = new DeliveryMeter();
        String room = "cluster-" + Long.toString(System.nanoTime(), 36);
        try (LoadClient client = new LoadClient(threads, List.<InetAddress>of())) {
            Fleet subs = Fleet.open(client, subscribeUrl, subscribers, i -> Protocol.RMS.peer(i, received, size),
                    i -> room, p -> { }, 100, Duration.ofMinutes(1)).requireAll("subscribers");
            Window acks = new Window(window, room, received::delivered, subscribers, inFlight);
            Fleet pubs = Fleet.open(client, publishUrl, publishers, i -> Protocol.RMS.peer(i, acks, size),
                    null, p -> { }, 100, Duration.ofMinutes(1)).requireAll("publishers");
            // The warm-up also covers node A learning of the subscription on node B.
            pubs.peers().forEach(acks::start);

            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
            received.latencySinceLastCall();
            long r0 = received.delivered();
            long a0 = acks.acked();
            long c0 = cpu(procs);
            long g0 = ServerProcess.self().cpuNanos();
            long m0 = MachineCpu.busyNanos();
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(durationSeconds));
            long r1 = received.delivered();
            long a1 = acks.acked();
            long c1 = cpu(procs);
            long g1 = ServerProcess.self().cpuNanos();
            long m1 = MachineCpu.busyNanos();
            long t1 = System.nanoTime();
            Histogram lat = received.latencySinceLastCall();
            acks.stop();
            received.expectClose();
            acks.expectClose();
            double seconds = (t1 - t0) / 1e9;
            long messages = r1 - r0;
            Result r = new Result("cluster", label)
                    .param("publishers", publishers)
                    .param("subscribers", subscribers)
                    .param("window", window)
                    .param("inFlight", inFlight)
                    .param("size", size)
                    .figure("received_per_s", "cross-node messages/s received (all subscribers)", "1/s", messages / seconds)
                    .figure("acked_per_s", "publishes acked/s (node A)", "1/s", (a1 - a0) / seconds)
                    .figure("p50_us", "latency p50", "µs", lat.getValueAtPercentile(50) / 1e3)
                    .figure("p99_us", "latency p99", "µs", lat.getValueAtPercentile(99) / 1e3)
                    .figure("server_closes", "connections closed by a node", "",
                            received.unexpectedCloses() + acks.unexpectedCloses());
            if (!procs.isEmpty()) {
                r.figure("cpu_us_per_message", "CPU of nodes + Redis per message received", "µs",
                        (c1 - c0) / 1e3 / Math.max(1, messages));
                r.figure("cores", "CPU of nodes + Redis (cores busy)", "cores", (c1 - c0) / 1e9 / seconds);
                r.figure("other_cores", "other processes' CPU meanwhile (cores busy)", "cores",
                        Math.max(0, (m1 - m0) - (c1 - c0) - (g1 - g0)) / 1e9 / seconds);
            }
            if (received.firstError() != null || acks.firstError() != null) {
                r.note("first_error", received.firstError() != null ? received.firstError() : acks.firstError());
            }
            r.print(System.out);
            if (json != null) {
                r.append(json);
            }
            subs.close(Duration.ofSeconds(10));
            pubs.close(Duration.ofSeconds(10));
            return received.unexpectedCloses() + acks.unexpectedCloses() == 0 ? 0 : 1;
        }
    }

    private static long cpu(List<ServerProcess> procs) {
        return procs.stream().mapToLong(ServerProcess::cpuNanos).sum();
    }

    /**
     * Each publisher keeps at most {@code size} unacked publishes in flight, and all of them
     * together at most {@code maxInFlight} publishes that some subscriber has not received yet.
     * Node A acks a publish once Redis has it, before node B delivers it: paced by acks alone,
     * the publishers outran a subscriber whose own client was still warming up, its queue on
     * node B passed the per-connection cap and it was closed 1008 (docs/performance.md, "Round
     * 10"). With the second bound the run measures what the cluster sustains end to end.
     *
     * <p>Thread-safe: a publisher's count is touched only on its event loop (acks arrive there);
     * the published total is atomic; a publisher held back by the second bound retries on its
     * loop a little later, since no ack may be coming to wake it.
     */
    static final class Window extends DeliveryMeter {
        private static final long RETRY_MICROS = 200;
        private final int size;
        private final String room;
        private final LongSupplier receivedTotal;
        private final int subscribers;
        private final long maxInFlight;
        private final AtomicLong published = new AtomicLong();
        private volatile boolean running = true;
        /** Per publisher: [0] unacked publishes, [1] 1 while a retry is scheduled. */
        private final Map<Peer, int[]> state = new ConcurrentHashMap<>();

        /**
         * @param receivedTotal deliveries so far over all subscribers (each publish is delivered
         *     to every subscriber)
         */
        Window(int size, String room, LongSupplier receivedTotal, int subscribers, long maxInFlight) {
            this.size = size;
            this.room = room;
            this.receivedTotal = receivedTotal;
            this.subscribers = Math.max(1, subscribers);
            this.maxInFlight = maxInFlight;
        }

        void start(Peer p) {
            state.put(p, new int[2]);
            p.channel().eventLoop().execute(() -> fill(p));
        }

        void stop() {
            running = false;
        }

        @Override
        public void acked(Peer peer) {
            super.acked(peer);
            state.get(peer)[0]--;
            fill(peer);
        }

        /** Publishes what {@link #allowed} lets go now; on the publisher's loop. */
        private void fill(Peer p) {
            int[] n = state.get(p);
            long allowance = running ? reserve(n[0]) : 0;
            for (long i = 0; i < allowance; i++) {
                p.publish(room, true);
                n[0]++;
            }
            if (allowance > 0) {
                p.flush();
            } else if (running && n[0] < size && n[1] == 0) {
                n[1] = 1;
                p.channel().eventLoop().schedule(() -> {
                    n[1] = 0;
                    fill(p);
                }, RETRY_MICROS, TimeUnit.MICROSECONDS);
            }
        }

        /** Takes this publisher's share of the end-to-end bound before it publishes: exact across loops. */
        private long reserve(int unacked) {
            long received = receivedTotal.getAsLong();
            while (true) {
                long before = published.get();
                long allowance = allowed(unacked, before, received);
                if (allowance == 0 || published.compareAndSet(before, before + allowance)) {
                    return allowance;
                }
            }
        }

        /** How many more one publisher may send: within its window and the end-to-end bound. */
        long allowed(int unacked, long publishedTotal, long received) {
            long inFlight = publishedTotal - received / subscribers;
            return Math.max(0, Math.min(size - unacked, maxInFlight - inFlight));
        }
    }
}

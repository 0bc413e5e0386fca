package ca.metered.realtime.bench;

import ca.metered.realtime.bench.load.DeliveryMeter;
import ca.metered.realtime.bench.load.Fleet;
import ca.metered.realtime.bench.load.LatencyRecorder;
import ca.metered.realtime.bench.load.LoadClient;
import ca.metered.realtime.bench.load.MachineCpu;
import ca.metered.realtime.bench.load.Payload;
import ca.metered.realtime.bench.load.Peer;
import ca.metered.realtime.bench.load.Result;
import ca.metered.realtime.bench.load.ServerProcess;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rms-bench fanout}: one publisher, N subscribers of one room, bodies stamped with their
 * send time. At a fixed rate (open loop: the publisher never waits for the server) it reports
 * the server's CPU per delivered message and the latency percentiles; with {@code --rate max} the
 * publisher keeps a window of messages in flight (closed loop) and the delivery rate is the
 * peak the server sustains without dropping anyone.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = "1 publisher -> N subscribers on one channel/subject: CPU per delivery, latency, peak rate.")
final class FanoutCommand implements Callable<Integer> {
    @Mixin
    TargetArgs target;

    @Option(names = "--subscribers", defaultValue = "1000", description = "default ${DEFAULT-VALUE}")
    int subscribers;

    @Option(names = "--rate", defaultValue = "200000",
            description = "deliveries per second (publishes/s = rate / subscribers), or 'max' (default ${DEFAULT-VALUE})")
    String rate;

    @Option(names = "--window", defaultValue = "50",
            description = "with --rate max: messages in flight, i.e. published and not yet delivered to everyone (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--warmup", defaultValue = "5", description = "seconds before measuring (default ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--duration", defaultValue = "20", description = "seconds measured (default ${DEFAULT-VALUE})")
    int durationSeconds;

    @Option(names = "--concurrency", defaultValue = "200", description = "connects in flight (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--room", defaultValue = "fanout", description = "room name (default ${DEFAULT-VALUE})")
    String room;

    @Option(names = "--timeline", description = "write the worst latency of every 100 ms of send time in the "
            + "measured window to this file (wall-clock ms, worst µs): shows whether a tail is a few stalls or spread")
    java.nio.file.Path timeline;

    @Override
    public Integer call() throws Exception {
        boolean max = rate.equalsIgnoreCase("max");
        long targetRate = max ? 0 : Long.parseLong(rate);
        ServerProcess server = target.server();
        ServerProcess self = ServerProcess.self();
        DeliveryMeter meter = new DeliveryMeter();
        Pacer pacer = new Pacer(meter, subscribers, window);
        // The publisher gets a loop of its own: sharing one with subscribers would delay its
        // schedule by whatever they are reading.
        try (LoadClient client = target.client(); LoadClient publisherClient = target.client(1)) {
            Fleet subs = Fleet.open(client, target.url, subscribers, i -> target.protocol.peer(i, pacer, target.size),
                    i -> room, p -> { }, concurrency, Duration.ofMinutes(5)).requireAll("subscribers");
            Fleet pubs = Fleet.open(publisherClient, target.url, 1, i -> target.protocol.peer(subscribers + i, meter, target.size),
                    null, p -> { }, 1, Duration.ofMinutes(1)).requireAll("publisher");
            Peer publisher = pubs.peers().get(0);
            pacer.start(publisher, room, max ? 0 : Math.max(1, targetRate / subscribers));

            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
            meter.latencySinceLastCall();
            long d0 = meter.delivered();
            long c0 = server.cpuNanos();
            long s0 = server.systemNanos();
            long g0 = self.cpuNanos();
            long m0 = MachineCpu.busyNanos();
            long t0 = System.nanoTime();
            long sent0 = Payload.sentNanos(Payload.stamp());
            Thread.sleep(TimeUnit.SECONDS.toMillis(durationSeconds));
            long d1 = meter.delivered();
            long c1 = server.cpuNanos();
            long s1 = server.systemNanos();
            long g1 = self.cpuNanos();
            long m1 = MachineCpu.busyNanos();
            long t1 = System.nanoTime();
            long sent1 = Payload.sentNanos(Payload.stamp());
            Histogram lat = meter.latencySinceLastCall();
            long rssEnd = server.rssBytes();
            pacer.stop();

            long expected = pacer.published() * subscribers;
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (meter.delivered() < expected && System.nanoTime() < drainDeadline) {
                Thread.sleep(20);
            }
            meter.expectClose();
            if (timeline != null) {
                writeTimeline(meter, sent0, sent1);
            }
            double seconds = (t1 - t0) / 1e9;
            long deliveries = d1 - d0;
            Result r = new Result("fanout", target.label())
                    .param("subscribers", subscribers)
                    .param("rate", max ? "max" : Long.toString(targetRate))
                    .param("size", target.size);
            if (max) {
                r.param("window", window);
            }
            r.figure("deliveries_per_s", "deliveries/s", "1/s", deliveries / seconds)
                    .figure("cpu_us_per_delivery", "server CPU per delivered message", "µs",
                            (c1 - c0) / 1e3 / Math.max(1, deliveries))
                    .figure("cpu_sys_us_per_delivery", "… of which in the kernel (system time)", "µs",
                            (s1 - s0) / 1e3 / Math.max(1, deliveries))
                    .figure("server_cores", "server CPU (cores busy)", "cores", (c1 - c0) / 1e9 / seconds)
                    .figure("generator_cores", "load generator CPU (cores busy)", "cores", (g1 - g0) / 1e9 / seconds)
                    .figure("other_cores", "other processes' CPU meanwhile (cores busy)", "cores",
                            Math.max(0, (m1 - m0) - (c1 - c0) - (g1 - g0)) / 1e9 / seconds)
                    .figure("p50_us", "latency p50", "µs", lat.getValueAtPercentile(50) / 1e3)
                    .figure("p90_us", "latency p90", "µs", lat.getValueAtPercentile(90) / 1e3)
                    .figure("p99_us", "latency p99", "µs", lat.getValueAtPercentile(99) / 1e3)
                    .figure("p999_us", "latency p99.9", "µs", lat.getValueAtPercentile(99.9) / 1e3)
                    .figure("max_us", "latency max", "µs", lat.getMaxValue() / 1e3)
                    .figure("publisher_late_ms", "publisher behind schedule (max)", "ms", pacer.maxLateNanos() / 1e6)
                    .figure("lost", "deliveries missing after the run", "", Math.max(0, expected - meter.delivered()))
                    .figure("server_closes", "connections closed by the server", "", meter.unexpectedCloses())
                    .figure("server_rss_mb", "server RSS at the end", "MB", rssEnd / 1e6);
            if (meter.firstError() != null) {
                r.note("first_error", meter.firstError());
            }
            target.finish(r);
            subs.close(Duration.ofSeconds(10));
            pubs.close(Duration.ofSeconds(5));
            return meter.unexpectedCloses() == 0 ? 0 : 1;
        }
    }

    private void writeTimeline(DeliveryMeter meter, long sent0, long sent1) throws java.io.IOException {
        int from = (int) (sent0 / LatencyRecorder.SLICE_NANOS);
        int to = (int) (sent1 / LatencyRecorder.SLICE_NANOS);
        long[] worst = meter.worstBySendTime(from, to);
        long origin = Payload.originEpochMillis();
        StringBuilder out = new StringBuilder("# epoch_ms worst_us (by send time, " + LatencyRecorder.SLICE_NANOS / 1_000_000 + " ms slices)\n");
        for (int i = 0; i < worst.length; i++) {
            out.append(origin + (from + i) * LatencyRecorder.SLICE_NANOS / 1_000_000).append(' ')
                    .append(worst[i] / 1_000).append('\n');
        }
        java.nio.file.Files.writeString(timeline, out);
    }

    /**
     * Drives the publisher on its own event loop: at a fixed rate (each message sent at its
     * scheduled time, late ones sent at once), or closed loop, keeping at most {@code window}
     * messages not yet delivered to every subscriber (checked every {@link #PUMP_MICROS} µs:
     * counting per delivery in one place would cost the generator more than the servers).
     */
    static final class Pacer implements ca.metered.realtime.bench.load.PeerListener {
        private final DeliveryMeter meter;
        private final int subscribers;
        private final long window;
        static final long PUMP_MICROS = 500;
        private final AtomicLong published = new AtomicLong();
        private volatile boolean running;
        private volatile long maxLate;
        private Peer publisher;
        private EventLoop loop;
        private String room;

        Pacer(DeliveryMeter meter, int subscribers, int window) {
            this.meter = meter;
            this.subscribers = subscribers;
            this.window = window;
        }

        void start(Peer publisher, String room, long publishesPerSecond) {
            this.publisher = publisher;
            this.room = room;
            this.loop = publisher.channel().eventLoop();
            running = true;
            if (publishesPerSecond == 0) {
                loop.scheduleAtFixedRate(this::pump, 0, PUMP_MICROS, TimeUnit.MICROSECONDS);
            } else {
                long interval = TimeUnit.SECONDS.toNanos(1) / publishesPerSecond;
                loop.execute(new Ticker(interval));
            }
        }

        void stop() throws InterruptedException {
            running = false;
            // Let the loop see the flag before counting what was published.
            loop.submit(() -> { }).await(5, TimeUnit.SECONDS);
        }

        long published() {
            return published.get();
        }

        long maxLateNanos() {
            return maxLate;
        }

        private void pump() {
            if (!running) {
                return;
            }
            int sent = 0;
            long delivered = meter.delivered();
            while (published.get() * subscribers - delivered < window * subscribers) {
                publisher.publish(room, false);
                published.incrementAndGet();
                sent++;
            }
            if (sent > 0) {
                publisher.flush();
            }
        }

        private final class Ticker implements Runnable {
            private final long interval;
            private long next = System.nanoTime();

            Ticker(long interval) {
                this.interval = interval;
            }

            @Override
            public void run() {
                if (!running) {
                    return;
                }
                long now = System.nanoTime();
                if (now - next > maxLate) {
                    maxLate = now - next;
                }
                while (next <= now) {
                    publisher.publish(room, false);
                    published.incrementAndGet();
                    next += interval;
                }
                publisher.flush();
                loop.schedule(this, next - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void delivered(Peer peer, long sentNanos) {
            meter.delivered(peer, sentNanos);
        }

        @Override
        public void error(Peer peer, String text) {
            meter.error(peer, text);
        }

        @Override
        public void closed(Peer peer, int code) {
            meter.closed(peer, code);
        }
    }
}

package ca.metered.realtime.bench.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Counts deliveries and records publish→deliver latency (HdrHistogram, nanoseconds) for every
 * connection of a workload; also counts acks, closes and errors.
 *
 * <p>Thread-safe: called from every event loop of the generator.
 */
public class DeliveryMeter implements PeerListener {
    private final LongAdder acked = new LongAdder();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final LatencyRecorder latency = new LatencyRecorder();
    private volatile boolean expectClose;

    @Override
    public void delivered(Peer peer, long stamp) {
        // Counted with the latency, per thread: a shared counter would cost every delivery a
        // read-modify-write of a cache line the other loops write too.
        latency.record(Math.max(0, Payload.ageNanos(stamp)), Payload.sentNanos(stamp));
    }

    @Override
    public void acked(Peer peer) {
        acked.increment();
    }

    @Override
    public void error(Peer peer, String text) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, text);
    }

    @Override
    public void closed(Peer peer, int code) {
        if (!expectClose) {
            closed.incrementAndGet();
            firstError.compareAndSet(null, "connection closed by the server with " + code);
        }
    }

    /** From now on closes are ours (the end of the run) and are not counted. */
    public void expectClose() {
        expectClose = true;
    }

    public long delivered() {
        return latency.count();
    }

    public long acked() {
        return acked.sum();
    }

    /** Connections the server closed during the run. */
    public long unexpectedCloses() {
        return closed.get();
    }

    public long errors() {
        return errors.get();
    }

    public String firstError() {
        return firstError.get();
    }

    /** The worst latency of each slice of send time ({@link LatencyRecorder#worst}). */
    public long[] worstBySendTime(int fromSlice, int toSlice) {
        return latency.worst(fromSlice, toSlice);
    }

    /** Latencies recorded since the previous call (the first call discards the warm-up). */
    public Histogram latencySinceLastCall() {
        return latency.interval();
    }
}

package ca.metered.realtime.bench.load;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Latencies (nanoseconds) recorded by many event loops without sharing a counter: each thread
 * writes its own {@link SingleWriterRecorder} (one shared {@code Recorder} costs the generator
 * more than the servers it measures, all threads contending on its phaser), and an interval is
 * the sum of every thread's.
 *
 * <p>Thread-safe.
 */
public final class LatencyRecorder {
    private final Queue<SingleWriterRecorder> all = new ConcurrentLinkedQueue<>();
    private final FastThreadLocal<SingleWriterRecorder> mine = new FastThreadLocal<>() {
        @Override
        protected SingleWriterRecorder initialValue() {
            SingleWriterRecorder r = new SingleWriterRecorder(3);
            all.add(r);
            return r;
        }
    };

    public void record(long nanos) {
        mine.get().recordValue(nanos);
    }

    /** Everything recorded since the previous call, by every thread. */
    public Histogram interval() {
        Histogram sum = new Histogram(3);
        for (SingleWriterRecorder r : all) {
            sum.add(r.getIntervalHistogram());
        }
        return sum;
    }
}

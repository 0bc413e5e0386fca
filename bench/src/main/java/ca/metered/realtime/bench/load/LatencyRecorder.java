package ca.metered.realtime.bench.load;

import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Latencies (nanoseconds) recorded by many event loops without sharing a counter: each thread
 * writes its own {@link SingleWriterRecorder} (one shared {@code Recorder} costs the generator
 * more than the servers it measures, all threads contending on its phaser) and its own count of
 * what it recorded, and an interval is the sum of every thread's.
 *
 * <p>Thread-safe.
 */
public final class LatencyRecorder {
    private final Queue<Slot> all = new ConcurrentLinkedQueue<>();
    private final FastThreadLocal<Slot> mine = new FastThreadLocal<>() {
        @Override
        protected Slot initialValue() {
            Slot s = new Slot();
            all.add(s);
            return s;
        }
    };

    /** One thread's recorder and count: written by that thread only, read by anyone. */
    private static final class Slot {
        private static final VarHandle COUNT;

        static {
            try {
                COUNT = MethodHandles.lookup().findVarHandle(Slot.class, "count", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final SingleWriterRecorder recorder = new SingleWriterRecorder(3);
        @SuppressWarnings("unused") // through COUNT
        private long count;
        /** The worst latency of each {@link #SLICE_NANOS} of send time; grown by this thread only. */
        volatile long[] worst = new long[0];

        void record(long nanos, long sentNanos) {
            recorder.recordValue(nanos);
            int slice = (int) (sentNanos / SLICE_NANOS);
            if (slice >= 0 && slice < MAX_SLICES) {
                long[] w = worst;
                if (slice >= w.length) {
                    w = java.util.Arrays.copyOf(w, Math.min(MAX_SLICES, Math.max(slice + 1, w.length * 2)));
                    worst = w;
                }
                if (nanos > w[slice]) {
                    w[slice] = nanos;
                }
            }
            // One writer: a plain read and an ordered store, no read-modify-write across cores.
            COUNT.setRelease(this, (long) COUNT.getOpaque(this) + 1);
        }

        long count() {
            return (long) COUNT.getAcquire(this);
        }
    }

    /** Width of a timeline slice. */
    public static final long SLICE_NANOS = 100_000_000L;
    /** Slices kept (about an hour of send time). */
    private static final int MAX_SLICES = 36_000;

    /**
     * @param nanos the latency
     * @param sentNanos when it was sent, in nanoseconds from the generator's time origin
     *     ({@link Payload#sentNanos}): the timeline is kept by send time
     */
    public void record(long nanos, long sentNanos) {
        mine.get().record(nanos, sentNanos);
    }

    /**
     * The worst latency of each slice of {@link #SLICE_NANOS} of send time from {@code fromSlice}
     * to {@code toSlice} (exclusive), over every thread; 0 where nothing was recorded. Values
     * being written meanwhile may be missed: read it after the slices' messages arrived.
     */
    public long[] worst(int fromSlice, int toSlice) {
        long[] out = new long[Math.max(0, toSlice - fromSlice)];
        for (Slot s : all) {
            long[] w = s.worst;
            for (int i = fromSlice; i < toSlice && i < w.length; i++) {
                if (i >= 0) {
                    out[i - fromSlice] = Math.max(out[i - fromSlice], w[i]);
                }
            }
        }
        return out;
    }

    /** How many values were recorded so far, by every thread (never reset). */
    public long count() {
        long sum = 0;
        for (Slot s : all) {
            sum += s.count();
        }
        return sum;
    }

    /** Everything recorded since the previous call, by every thread. */
    public Histogram interval() {
        Histogram sum = new Histogram(3);
        for (Slot s : all) {
            sum.add(s.recorder.getIntervalHistogram());
        }
        return sum;
    }
}

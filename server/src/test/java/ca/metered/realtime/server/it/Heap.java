package ca.metered.realtime.server.it;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The live heap of this JVM, measured after full collections: what a leak test compares before
 * and after a workload. Polls {@code System.gc()} until two readings agree, so one collection
 * that left floating garbage does not count as a leak.
 */
public final class Heap {
    private static final long SETTLED_WITHIN = 256 * 1024;

    private Heap() {
    }

    /** Bytes of heap in use after the collector has settled. */
    public static long liveBytes() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            System.gc();
            long used = mx.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < SETTLED_WITHIN) {
                return Math.min(previous, used);
            }
            previous = used;
        }
        return previous;
    }

    public static String mib(long bytes) {
        return String.format("%.2f MiB", bytes / (1024.0 * 1024.0));
    }
}

package ca.metered.realtime.client.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Process-wide daemon threads shared by every client, so that thousands of idle clients cost no
 * threads of their own: one pool that runs client loops and callbacks, one timer thread, one pool
 * for blocking token suppliers. Lazily created; thread-safe.
 */
public final class SharedResources {
    private SharedResources() {
    }

    private static final class Holder {
        static final ExecutorService POOL = Executors.newCachedThreadPool(daemon("rms-sdk-worker"));
        static final ScheduledThreadPoolExecutor TIMER = timer();
        static final ExecutorService BLOCKING = Executors.newCachedThreadPool(daemon("rms-sdk-token"));

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon("rms-sdk-timer"));
            t.setRemoveOnCancelPolicy(true); // thousands of re-armed watchdogs must not pile up
            return t;
        }
    }

    /** Runs client loops and (by default) callbacks; every client wraps it in its own serial executors. */
    public static ExecutorService pool() {
        return Holder.POOL;
    }

    public static ScheduledThreadPoolExecutor timer() {
        return Holder.TIMER;
    }

    /** For {@code TokenProvider.blocking}. */
    public static ExecutorService blockingPool() {
        return Holder.BLOCKING;
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

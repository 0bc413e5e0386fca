package ca.metered.realtime.client.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Process-wide daemon threads shared by every client, so that thousands of idle clients cost no
 * threads of their own: a small fixed pool for client loops and the WebSocket transport (work that
 * never blocks), an elastic pool for listeners (user code that may block), one timer thread, and an
 * elastic pool for blocking token suppliers. Lazily created; thread-safe.
 *
 * <p>Loops and transport are on a fixed pool because their load comes in bursts (thousands of
 * connects, or keepalive timers that were armed together): on an elastic pool every burst leaves
 * about a hundred threads behind, kept alive by the next burst. Listeners stay elastic so that a
 * listener that blocks only delays its own client.
 */
public final class SharedResources {
    private SharedResources() {
    }

    private static final class Holder {
        static final ExecutorService IO = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemon("rms-sdk-io"));
        static final ExecutorService POOL = Executors.newCachedThreadPool(daemon("rms-sdk-callback"));
        static final ScheduledThreadPoolExecutor TIMER = timer();
        static final ExecutorService BLOCKING = Executors.newCachedThreadPool(daemon("rms-sdk-token"));

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon("rms-sdk-timer"));
            t.setRemoveOnCancelPolicy(true); // thousands of re-armed watchdogs must not pile up
            return t;
        }
    }

    /**
     * Runs client loops and the JDK transport's tasks: never blocks, so a few threads serve any
     * number of clients. Every client wraps it in its own serial executor.
     */
    public static ExecutorService io() {
        return Holder.IO;
    }

    /** Runs listeners and future completions by default; every client wraps it in its own serial executor. */
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

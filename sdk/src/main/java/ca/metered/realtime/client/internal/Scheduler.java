package ca.metered.realtime.client.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Delayed tasks and the clock they run on; injected so timing tests advance a fake clock instead of
 * sleeping. Tasks may run on any thread; the client re-posts them to its loop. Thread-safe.
 */
public interface Scheduler {
    Cancellable schedule(long delayMs, Runnable task);

    /** A monotonic clock in milliseconds, the one {@link #schedule} measures delays on. */
    default long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    interface Cancellable {
        void cancel();
    }

    static Scheduler of(ScheduledExecutorService executor) {
        return (delayMs, task) -> {
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        };
    }
}

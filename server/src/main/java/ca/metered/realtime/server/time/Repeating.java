package ca.metered.realtime.server.time;

import java.time.Duration;

/**
 * A task re-armed after each run, on any {@link Scheduler}: keeps {@code every} out of each
 * implementation.
 *
 * <p>Thread-safe.
 */
final class Repeating implements Cancellable {
    private final Scheduler scheduler;
    private final Duration period;
    private final Runnable task;
    private volatile boolean cancelled;
    private volatile Cancellable next;

    Repeating(Scheduler scheduler, Duration period, Runnable task) {
        this.scheduler = scheduler;
        this.period = period;
        this.task = task;
    }

    Repeating start() {
        arm();
        return this;
    }

    private void arm() {
        if (!cancelled) {
            next = scheduler.schedule(period, this::run);
        }
    }

    private void run() {
        if (cancelled) {
            return;
        }
        try {
            task.run();
        } finally {
            arm();
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        Cancellable n = next;
        if (n != null) {
            n.cancel();
        }
    }
}

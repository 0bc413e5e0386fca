package ca.metered.realtime.client.internal;

import java.util.concurrent.Executor;

/**
 * Timers whose tasks run on a loop (a client's, a peer's). Cancellation is decided on the loop too, so a timer
 * whose task was already queued when it was cancelled still does not run. Confined to the loop.
 */
public final class LoopTimers {
    private final Scheduler scheduler;
    private final Executor loop;

    public LoopTimers(Scheduler scheduler, Executor loop) {
        this.scheduler = scheduler;
        this.loop = loop;
    }

    /** A scheduled task; {@link #cancel()} on the loop guarantees it will not run. */
    public static final class Timer {
        private boolean done;
        private Scheduler.Cancellable handle;

        public void cancel() {
            done = true;
            if (handle != null) {
                handle.cancel();
            }
        }
    }

    public Timer schedule(long delayMs, Runnable task) {
        Timer t = new Timer();
        t.handle = scheduler.schedule(delayMs, () -> loop.execute(() -> {
            if (!t.done) {
                t.done = true;
                task.run();
            }
        }));
        return t;
    }

    /** The scheduler's clock, in ms; cheap enough to read per frame. */
    public long nowMs() {
        return scheduler.nowMs();
    }

    public static void cancel(Timer t) {
        if (t != null) {
            t.cancel();
        }
    }
}

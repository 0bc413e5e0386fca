package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.internal.Scheduler;
import java.util.concurrent.Executor;

/** Timers whose tasks run on a loop; a cancel on the loop guarantees the task will not run. Loop-confined. */
final class Timers {
    private final Scheduler scheduler;
    private final Executor loop;

    Timers(Scheduler scheduler, Executor loop) {
        this.scheduler = scheduler;
        this.loop = loop;
    }

    static final class Timer {
        private boolean done;
        private Scheduler.Cancellable handle;

        void cancel() {
            done = true;
            if (handle != null) {
                handle.cancel();
            }
        }
    }

    Timer schedule(long delayMs, Runnable task) {
        Timer t = new Timer();
        t.handle = scheduler.schedule(delayMs, () -> loop.execute(() -> {
            if (!t.done) {
                t.done = true;
                task.run();
            }
        }));
        return t;
    }

    static void cancel(Timer t) {
        if (t != null) {
            t.cancel();
        }
    }
}

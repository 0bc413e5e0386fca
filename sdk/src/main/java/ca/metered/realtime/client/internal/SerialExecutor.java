package ca.metered.realtime.client.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a shared {@code base} executor. Over a direct
 * executor ({@code Runnable::run}) it acts as a trampoline: a task submitted from inside a running
 * task runs after it, not nested in it, which is what makes single-threaded tests deterministic.
 *
 * <p>Thread-safe. A throwing task is reported to {@code onError} and does not stop the queue.
 */
public final class SerialExecutor implements Executor {
    private static final int BATCH = 256; // yield the shared thread now and then

    private final Executor base;
    private final java.util.function.Consumer<Throwable> onError;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean scheduled;

    public SerialExecutor(Executor base, java.util.function.Consumer<Throwable> onError) {
        this.base = base;
        this.onError = onError;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (queue) {
            queue.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        base.execute(this::drain);
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (Throwable t) {
                onError.accept(t);
            }
        }
        base.execute(this::drain); // more left: go to the back of the shared pool's line
    }
}

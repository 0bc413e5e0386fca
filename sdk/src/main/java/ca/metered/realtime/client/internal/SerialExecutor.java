package ca.metered.realtime.client.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time, in submission order, on a shared {@code base} executor. Over a direct
 * executor ({@code Runnable::run}) it acts as a trampoline: a task submitted from inside a running
 * task runs after it, not nested in it, which is what makes single-threaded tests deterministic.
 *
 * <p>Thread-safe and lock-free: producers (a transport thread posting frames) never wait for the
 * consumer. A drain runs up to {@value #BATCH} tasks, then yields the shared thread. A throwing
 * task is reported to {@code onError} and does not stop the queue.
 */
public final class SerialExecutor implements Executor {
    private static final int BATCH = 256;

    private final Executor base;
    private final Consumer<Throwable> onError;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    public SerialExecutor(Executor base, Consumer<Throwable> onError) {
        this.base = base;
        this.onError = onError;
    }

    @Override
    public void execute(Runnable task) {
        queue.offer(task);
        if (scheduled.compareAndSet(false, true)) {
            base.execute(drain);
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Runnable next = queue.poll();
            if (next == null) {
                scheduled.set(false);
                // A task offered between the poll and the reset found 'scheduled' still set and
                // left it to us: take it back unless another drain already did.
                if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                next.run();
            } catch (Throwable t) {
                onError.accept(t);
            }
        }
        base.execute(drain); // more left: go to the back of the shared pool's line
    }
}

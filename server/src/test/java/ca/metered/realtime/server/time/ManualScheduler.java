package ca.metered.realtime.server.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} whose time moves only when a test says so: {@link #advance} moves both
 * clocks and runs, on the calling thread and in time order, every task that falls due.
 *
 * <p>Thread-safe; tasks run on the thread that advances.
 */
public final class ManualScheduler implements Scheduler {
    private final Clock base;
    private long elapsedNanos;
    private long sequence;
    private final List<Task> tasks = new ArrayList<>();

    private final class Task implements Cancellable {
        final long dueNanos;
        final long order;
        final Runnable body;
        volatile boolean cancelled;

        Task(long dueNanos, long order, Runnable body) {
            this.dueNanos = dueNanos;
            this.order = order;
            this.body = body;
        }

        @Override
        public void cancel() {
            cancelled = true;
            synchronized (ManualScheduler.this) {
                tasks.remove(this);
            }
        }
    }

    /** Starts at {@code 2025-01-01T00:00:00Z}, monotonic time 0. */
    public ManualScheduler() {
        this(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    /** Wall time starts at {@code base}'s instant and moves with {@link #advance}. */
    public ManualScheduler(Clock base) {
        this.base = base;
    }

    @Override
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return base.instant().plusNanos(nanoTime());
            }
        };
    }

    @Override
    public synchronized long nanoTime() {
        return elapsedNanos;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(elapsedNanos + Math.max(0, delay.toNanos()), sequence++, task);
        tasks.add(t);
        return t;
    }

    /** Tasks waiting to run. */
    public synchronized int pending() {
        return tasks.size();
    }

    /** Moves time forward by {@code d}, running what falls due (tasks scheduled meanwhile included). */
    public void advance(Duration d) {
        long target;
        synchronized (this) {
            target = elapsedNanos + d.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.dueNanos <= target)
                        .min(Comparator.<Task>comparingLong(t -> t.dueNanos).thenComparingLong(t -> t.order))
                        .orElse(null);
                if (next == null) {
                    elapsedNanos = target;
                    return;
                }
                tasks.remove(next);
                elapsedNanos = Math.max(elapsedNanos, next.dueNanos);
            }
            if (!next.cancelled) {
                next.body.run();
            }
        }
    }
}

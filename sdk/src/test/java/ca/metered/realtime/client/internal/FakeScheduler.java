package ca.metered.realtime.client.internal;

import java.util.PriorityQueue;

/** Virtual-time {@link Scheduler}: tasks run only inside {@link #advance}. Single-threaded tests only. */
public final class FakeScheduler implements Scheduler {
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long seq;

    private final class Task implements Comparable<Task>, Cancellable {
        final long at;
        final long order = seq++;
        final Runnable run;
        boolean cancelled;

        Task(long at, Runnable run) {
            this.at = at;
            this.run = run;
        }

        @Override
        public int compareTo(Task o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable task) {
        Task t = new Task(now + Math.max(0, delayMs), task);
        queue.add(t);
        return t;
    }

    public void advance(long ms) {
        long until = now + ms;
        while (!queue.isEmpty() && queue.peek().at <= until) {
            Task t = queue.poll();
            now = t.at;
            if (!t.cancelled) {
                t.run.run();
            }
        }
        now = until;
    }

    @Override
    public long nowMs() {
        return now;
    }

    public long now() {
        return now;
    }

    public int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }
}

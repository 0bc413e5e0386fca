package ca.metered.realtime.server.time;

import java.time.Clock;
import java.time.Duration;

/**
 * Time for the server core: the wall clock (token expiry, {@code welcome.serverTime}, quota
 * periods), a monotonic clock (rate limits, keepalive) and delayed tasks. Production runs on one
 * timer wheel thread ({@code transport.WheelScheduler}); unit tests use a manual fake that
 * moves time by hand, so nothing timing-related needs a sleep.
 *
 * <p>Implementations are thread-safe. Tasks run on the scheduler's own thread, one at a time;
 * they must be short and never block (they hand work to event loops or backplane calls).
 */
public interface Scheduler {

    /** The wall clock. */
    Clock clock();

    /** Monotonic nanoseconds, for measuring intervals only. */
    long nanoTime();

    /** Runs {@code task} once after {@code delay}. */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Runs {@code task} every {@code period}, the first time after one period, until cancelled.
     * A run that throws is logged by the implementation and does not stop later runs.
     */
    default Cancellable every(Duration period, Runnable task) {
        return new Repeating(this, period, task).start();
    }
}

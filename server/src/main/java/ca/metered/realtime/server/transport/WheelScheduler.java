package ca.metered.realtime.server.transport;

import ca.metered.realtime.server.time.Cancellable;
import ca.metered.realtime.server.time.Scheduler;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link Scheduler}: the system clocks and one Netty timer wheel thread
 * ({@code rms-timer}, 10 ms ticks) for every delayed task of the node — token expiries,
 * the keepalive sweep, the Redis heartbeat — instead of a timer per connection.
 *
 * <p>Thread-safe. Tasks run on the wheel's thread.
 */
public final class WheelScheduler implements Scheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WheelScheduler.class);

    private final HashedWheelTimer wheel = new HashedWheelTimer(r -> {
        Thread t = new Thread(r, "rms-timer");
        t.setDaemon(true);
        return t;
    }, 10, TimeUnit.MILLISECONDS);

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        try {
            Timeout t = wheel.newTimeout(ignored -> run(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return t::cancel;
        } catch (IllegalStateException stopped) {
            return () -> { }; // the node is stopping: nothing runs any more
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("scheduled task failed", e);
        }
    }

    @Override
    public void close() {
        wheel.stop();
    }
}

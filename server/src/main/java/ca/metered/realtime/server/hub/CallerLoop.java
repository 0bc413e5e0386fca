package ca.metered.realtime.server.hub;

import java.time.Duration;

/**
 * The event loop the calling thread runs, as far as the hub needs one: to run a task on it
 * later. The hub imports no transport; the server gives it Netty's ({@code
 * session.NettyCallerLoop}).
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface CallerLoop {
    /** No event loop: every task goes to the timer. */
    CallerLoop NONE = (delay, task) -> false;

    /**
     * Runs {@code task} after {@code delay} on the calling thread's event loop; returns
     * {@code false}, scheduling nothing, when the caller is not on one (or it is shutting down).
     */
    boolean schedule(Duration delay, Runnable task);
}

package ca.metered.realtime.server.session;

import ca.metered.realtime.server.hub.CallerLoop;
import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@link CallerLoop} for Netty: the event loop the calling thread runs, if any. A presence
 * window that ends there hands its frames to the members from a loop, so that their drains
 * leave as one task per loop ({@link DrainHandoff}).
 *
 * <p>Stateless; thread-safe.
 */
public final class NettyCallerLoop implements CallerLoop {
    @Override
    public boolean schedule(Duration delay, Runnable task) {
        if (!(ThreadExecutorMap.currentExecutor() instanceof EventLoop loop) || loop.isShuttingDown()) {
            return false;
        }
        try {
            loop.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            return false;
        }
    }
}

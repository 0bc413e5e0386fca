package ca.metered.realtime.server.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.Executor;

/**
 * The Netty event loop the calling thread runs, for the core's code that must not know Netty
 * (docs/architecture.md): the Redis command pipe learns from a reply callback which loop its
 * connection is on, and writes its batches there ({@code CommandPipe}).
 *
 * <p>Stateless; thread-safe.
 */
public final class EventLoops {
    private EventLoops() {
    }

    /** The calling thread's event loop, or {@code null} off a loop or when it is shutting down. */
    public static Executor current() {
        EventExecutor e = ThreadExecutorMap.currentExecutor();
        return e == null || e.isShuttingDown() ? null : e;
    }
}

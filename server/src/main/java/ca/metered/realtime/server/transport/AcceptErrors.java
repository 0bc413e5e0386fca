package ca.metered.realtime.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import ca.metered.realtime.server.time.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failures of the listening socket's accept loop, typically {@code EMFILE} ("Too many open
 * files") when something outside the {@link ConnectionBudget} used up the descriptor reserve.
 * Accepting pauses briefly (retrying at once would spin) and the failure is logged at most once
 * a minute, as one line with a count, instead of a stack trace per attempt.
 *
 * <p>Per listening socket; runs on its event loop.
 */
final class AcceptErrors extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptErrors.class);
    static final long PAUSE_MILLIS = 100;
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final BooleanSupplier gateClosed;
    private final LogThrottle throttle;

    /**
     * @param gateClosed whether the {@link AcceptGate} holds accepting paused: then the end of this
     *     short pause leaves accepting to the gate
     */
    AcceptErrors(LongSupplier nanoTime, BooleanSupplier gateClosed) {
        this.throttle = new LogThrottle(LOG_EVERY_NANOS, nanoTime);
        this.gateClosed = gateClosed;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long skipped = throttle.occurred();
        if (skipped >= 0) {
            log.warn("accepting connections failed: {}{}; raise the open files limit or server.connections.fdReserve",
                    cause.getMessage(), skipped == 0 ? "" : " (" + skipped + " more times since the last report)");
        }
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                if (!gateClosed.getAsBoolean()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}

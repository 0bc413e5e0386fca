package ca.metered.realtime.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Guards one connection until it upgrades to WebSocket: the request deadline, the close after
 * an error response, and its place in the {@link ConnectionBudget}. Sits right after the HTTP
 * codec, so it sees requests as they are decoded and responses before they are encoded.
 *
 * <ul>
 *   <li>A request must arrive complete within the request timeout of the connect (TLS handshake
 *       included) or of the previous response; a deadline, not an idle timer, so a client that
 *       drips a header every few seconds (slowloris) is cut off too. While the server works on a
 *       request the clock is stopped.
 *   <li>Any response with status ≥ 400 closes the connection after it is written: after an error
 *       the request stream may be out of step (a malformed request, an unread body), and a
 *       client that errs pays a new connection for its next try.
 *   <li>A {@code 101 Switching Protocols} ends its job: the connection leaves the pending budget
 *       and this handler leaves the pipeline; the WebSocket keepalive takes over (docs/protocol.md 8).
 *       So does the start of an event stream ({@code text/event-stream}, only answered to a
 *       logged-in admin): it lives as long as the dashboard is open.
 * </ul>
 *
 * <p>Per connection; runs on its event loop ({@link #isIdle} may be read from any thread).
 */
final class PendingConnection extends ChannelDuplexHandler implements ConnectionBudget.Pending {
    private final Channel channel;
    private final ConnectionBudget budget;
    private final long timeoutNanos;
    private final ClientErrors errors;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> deadline;
    /** A request has started and is not complete. Event loop only. */
    private boolean receiving;
    /** Complete requests whose response is not written yet. */
    private volatile int unanswered;

    PendingConnection(Channel channel, ConnectionBudget budget, long timeoutNanos, ClientErrors errors) {
        this.channel = channel;
        this.budget = budget;
        this.timeoutNanos = timeoutNanos;
        this.errors = errors;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public boolean isIdle() {
        return unanswered == 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            receiving = true;
        }
        if (msg instanceof LastHttpContent) {
            receiving = false;
            unanswered++;
            disarm();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse res) {
            int status = res.status().code();
            if (status == HttpResponseStatus.SWITCHING_PROTOCOLS.code() || isEventStream(res)) {
                promise = promise.unvoid().addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        budget.upgraded(channel);
                        if (ctx.pipeline().context(this) != null) {
                            ctx.pipeline().remove(this);
                        }
                    }
                });
            } else if (status >= 200) { // 1xx other than 101 (100 Continue) is not the response
                boolean error = status >= 400;
                if (error) {
                    HttpUtil.setKeepAlive(res, false);
                }
                promise = promise.unvoid().addListener((ChannelFutureListener) f -> answered(error || !f.isSuccess()));
            }
        }
        super.write(ctx, msg, promise);
    }

    /** An authenticated admin's Server-Sent Events stream outlives any request deadline, like a WebSocket. */
    private static boolean isEventStream(HttpResponse res) {
        String type = res.headers().get(HttpHeaderNames.CONTENT_TYPE);
        return res.status().code() == 200 && type != null && type.startsWith("text/event-stream");
    }

    private void answered(boolean close) {
        if (close) {
            ctx.close();
            return;
        }
        if (unanswered > 0 && --unanswered == 0 && channel.isActive()) {
            arm();
        }
    }

    private void arm() {
        disarm();
        deadline = ctx.executor().schedule(this::expired, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expired() {
        deadline = null;
        if (unanswered > 0 || !channel.isActive()) {
            return;
        }
        if (receiving) {
            errors.record(channel, ClientErrors.Kind.REQUEST_TIMEOUT, "no complete request within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        }
        // Idle connections (a browser's spare one, a keep-alive between requests) close quietly.
        ctx.close();
    }
}

package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.connection.Link;
import ca.metered.realtime.server.limit.TokenBucket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.util.function.LongSupplier;

/**
 * The connection's inbound message rate (docs/protocol.md 4 [ours], close 4011): every WebSocket
 * frame the client sends takes a token — text, binary, each continuation fragment, ping, pong
 * and close, malformed or not — so no kind of frame can be flooded for free. Sits right after
 * the frame decoder, before anything that aggregates or answers frames.
 *
 * <p>Once the connection is closing, only the client's close frame goes on (it completes the
 * closing handshake); everything else is dropped here.
 *
 * <p>It is also where the connection's text is checked to be UTF-8 (Netty's {@link
 * Utf8FrameValidator}, which it extends, reporting a violation as an exception rather than
 * closing) and, when built with a message size, where fragmented messages start being
 * aggregated: a {@link WebSocketFrameAggregator} is put right after it when the first fragment
 * arrives. Clients rarely fragment, and one handler instead of three keeps an idle connection
 * small (docs/performance.md, "Idle connections").
 *
 * <p>Per connection; runs on its event loop.
 */
final class InboundRateLimiter extends Utf8FrameValidator {
    private final TokenBucket bucket;
    private final LongSupplier nanoTime;
    private final Link link;
    /** The largest aggregated message, in bytes; 0 for no aggregation here. */
    private final int maxMessageBytes;
    private boolean aggregating;

    InboundRateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime, Link link) {
        this(ratePerSecond, burst, nanoTime, link, 0);
    }

    /** @param maxMessageBytes the largest message a fragmented one may aggregate to; 0 for no aggregation */
    InboundRateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime, Link link, int maxMessageBytes) {
        super(false); // violations are reported, not answered: the session closes so the client can read the code
        this.bucket = new TokenBucket(ratePerSecond, burst, nanoTime.getAsLong());
        this.nanoTime = nanoTime;
        this.link = link;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof WebSocketFrame frame) {
            if (!link.isClosing() && !bucket.tryTake(nanoTime.getAsLong())) {
                link.close(CloseCode.OVER_MESSAGE_RATE.code(), "message rate exceeded");
            }
            if (link.isClosing() && !(frame instanceof CloseWebSocketFrame)) {
                frame.release();
                return;
            }
            if (maxMessageBytes > 0 && !aggregating
                    && (!frame.isFinalFragment() || frame instanceof ContinuationWebSocketFrame)) {
                aggregating = true;
                ctx.pipeline().addAfter(ctx.name(), null, new WebSocketFrameAggregator(maxMessageBytes));
            }
        }
        super.channelRead(ctx, msg);
    }
}

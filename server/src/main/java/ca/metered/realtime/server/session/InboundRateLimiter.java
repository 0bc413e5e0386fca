package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.connection.Link;
import ca.metered.realtime.server.limit.TokenBucket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
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
 * <p>Per connection; runs on its event loop.
 */
final class InboundRateLimiter extends ChannelInboundHandlerAdapter {
    private final TokenBucket bucket;
    private final LongSupplier nanoTime;
    private final Link link;

    InboundRateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime, Link link) {
        this.bucket = new TokenBucket(ratePerSecond, burst, nanoTime.getAsLong());
        this.nanoTime = nanoTime;
        this.link = link;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame) {
            if (!link.isClosing() && !bucket.tryTake(nanoTime.getAsLong())) {
                link.close(CloseCode.OVER_MESSAGE_RATE.code(), "message rate exceeded");
            }
            if (link.isClosing() && !(frame instanceof CloseWebSocketFrame)) {
                frame.release();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}

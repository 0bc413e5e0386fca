package ca.metered.realtime.server.transport;

import ca.metered.realtime.server.session.InboundRateLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

/**
 * The inbound gate of a connection whose client has fragmented a message: first after the frame
 * decoder, before the {@link WebSocketFrameAggregator}, it takes each frame's token (every
 * fragment counts, docs/protocol.md 4) and checks text for UTF-8 across fragments (Netty's
 * {@link Utf8FrameValidator}, which it extends, reporting a violation as an exception rather
 * than closing, so that the session closes with 1007 and the client can read it).
 *
 * <p>Put in place by {@link WebSocketFrameHandler} when the first fragment arrives; until then
 * the frame handler does both itself and the connection keeps no handler for them (clients
 * rarely fragment; docs/performance.md, "Idle connections").
 *
 * <p>Per connection; runs on its event loop.
 */
final class FragmentGate extends Utf8FrameValidator {
    private final InboundRateLimiter limiter;

    FragmentGate(InboundRateLimiter limiter) {
        super(false); // violations are reported, not answered
        this.limiter = limiter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof WebSocketFrame frame && !limiter.admit(frame)) {
            return;
        }
        super.channelRead(ctx, msg);
    }

    /**
     * A frame the limiter has already admitted (the first fragment, which reached the frame
     * handler before this gate was there): checked for UTF-8 and passed on, without a second token.
     */
    void admitted(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
        super.channelRead(ctx, frame);
    }
}

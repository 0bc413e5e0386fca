package ca.metered.realtime.server.transport;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.session.Session;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one connection's WebSocket frames to its {@link Session}; answers control frames, and
 * tells the session when the channel's writability changes and when it ends. The last handler
 * of an upgraded connection: it handles every exception itself. Fragmented messages arrive
 * already aggregated (and size-capped) by the handler before it.
 *
 * <p>Per connection; runs on the connection's event loop.
 */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

    private final Session session;
    private final ClientErrors errors;

    WebSocketFrameHandler(Session session, ClientErrors errors) {
        this.session = session;
        this.errors = errors;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            session.onText(text.text());
        } else if (frame instanceof BinaryWebSocketFrame) {
            session.onBinary();
        } else if (frame instanceof PingWebSocketFrame) {
            session.onPing(frame.content());
        } else if (frame instanceof PongWebSocketFrame) {
            session.touched();
        } else if (frame instanceof CloseWebSocketFrame close) {
            session.touched();
            session.clientClosed(close.statusCode() < 0 ? 1005 : close.statusCode());
            // Echo a valid close, answer an invalid one with 1002/1007 (RFC 6455 5.5.1, 7.4),
            // unless we already sent ours.
            CloseFrames.Reply reply = CloseFrames.replyTo(close);
            if (reply.violation()) {
                errors.record(ctx.channel(), ClientErrors.Kind.PROTOCOL_VIOLATION, reply.reason());
            }
            session.closedByClient(CloseFrames.statusOf(close, reply));
            if (!session.isClosing()) {
                ctx.writeAndFlush(reply.frame()).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }

    /** The session's end: releases the connection and what its outbound queue holds. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        session.onClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        session.writabilityChanged();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            errors.recordIfClientError(ctx.channel(), cause);
            session.close(CloseCode.MESSAGE_TOO_BIG.code(), "message too big");
        } else if (cause instanceof CorruptedWebSocketFrameException e) {
            // A protocol violation (1002), invalid UTF-8 (1007) or a frame over the size limit
            // (1009): the decoders only report it, and the close goes through the session, which
            // makes sure the client can read it.
            errors.recordIfClientError(ctx.channel(), cause);
            String reason = e.getMessage() != null ? e.getMessage() : e.closeStatus().reasonText();
            session.close(e.closeStatus().code(), reason);
        } else if (errors.recordIfClientError(ctx.channel(), cause)) {
            ctx.close(); // connection reset and friends: nothing to tell the peer
        } else {
            log.warn("unexpected error on {}", session, cause);
            session.close(CloseCode.POLICY_VIOLATION.code(), "internal error");
        }
    }
}

package ca.metered.realtime.server.transport;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.session.InboundRateLimiter;
import ca.metered.realtime.server.session.Session;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.CharsetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler of an upgraded connection after Netty's frame decoder: it takes each frame's
 * token ({@link InboundRateLimiter}), checks text for UTF-8, feeds the frames to the connection's
 * {@link Session} and answers control frames; it encodes what is written as WebSocket frames
 * (through the frame encoder every connection shares), tells the session when the channel's
 * writability changes and when it ends, and handles every exception itself.
 *
 * <p>One handler instead of three beside the decoder keeps an idle connection small: each
 * handler in a pipeline costs a context (docs/performance.md, "Idle connections"). When a
 * client first fragments a message, a {@link FragmentGate} (the token and UTF-8 across
 * fragments) and a {@link WebSocketFrameAggregator} (capped at the message size) are put before
 * this handler, which from then on gets whole messages.
 *
 * <p>Per connection; runs on the connection's event loop.
 */
final class WebSocketFrameHandler extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

    private final Session session;
    private final ClientErrors errors;
    /** A gate and an aggregator sit before this handler (the client fragmented a message). */
    private boolean gated;

    WebSocketFrameHandler(Session session, ClientErrors errors) {
        this.session = session;
        this.errors = errors;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!gated) {
            if (!session.rateLimiter().admit(frame)) {
                return; // released
            }
            if (!frame.isFinalFragment() || frame instanceof ContinuationWebSocketFrame) {
                FragmentGate gate = gate(ctx);
                gate.admitted(ctx.pipeline().context(gate), frame);
                return;
            }
            if (frame instanceof TextWebSocketFrame && !ByteBufUtil.isText(frame.content(), CharsetUtil.UTF_8)) {
                // as Netty's Utf8FrameValidator reports it (RFC 6455 8.1: 1007), to exceptionCaught
                frame.release();
                throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
                        "bytes are not UTF-8");
            }
        }
        try {
            handle(ctx, frame);
        } finally {
            frame.release();
        }
    }

    /** Puts the fragment gate and the aggregator before this handler; returns the gate. */
    private FragmentGate gate(ChannelHandlerContext ctx) {
        gated = true;
        InboundRateLimiter limiter = session.rateLimiter();
        FragmentGate gate = new FragmentGate(limiter);
        ChannelPipeline p = ctx.pipeline();
        p.addBefore(ctx.name(), null, gate);
        if (limiter.maxMessageBytes() > 0) {
            p.addBefore(ctx.name(), null, new WebSocketFrameAggregator(limiter.maxMessageBytes()));
        }
        return gate;
    }

    private void handle(ChannelHandlerContext ctx, WebSocketFrame frame) {
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
                // from the channel's end, so that it passes this handler's encoding
                ctx.channel().writeAndFlush(reply.frame()).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }

    /** Frame objects (a close) leave encoded; bytes (the outbound queue's batches) as they are. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        Rfc6455Handshaker.ENCODER.write(ctx, msg, promise);
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

package ca.metered.realtime.server.transport;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.session.InboundRateLimiter;
import ca.metered.realtime.server.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandler;
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
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.net.SocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler of an upgraded connection: Netty's frame decoder (RFC 6455 framing, masking,
 * lengths, opcodes; close frames are checked by {@link CloseFrames} here instead, see {@link
 * Rfc6455Handshaker}) that handles the frames it decodes itself: it takes each frame's token
 * ({@link InboundRateLimiter}), checks text for UTF-8, feeds the frames to the connection's
 * {@link Session} and answers control frames; it encodes what is written as WebSocket frames
 * (through the frame encoder every connection shares), tells the session when the channel's
 * writability changes and when it ends, and handles every exception itself.
 *
 * <p>One handler, the decoder, instead of a decoder and a handler after it keeps an idle
 * connection small: each handler in a pipeline costs a context, 64 bytes, and this one no object
 * of its own beside the decoder (docs/performance.md, "Idle connections"). When a client first
 * fragments a message, a {@link FragmentGate} (the token and UTF-8 across fragments), a {@link
 * WebSocketFrameAggregator} (capped at the message size) and a {@link Whole} handler back into
 * this one are put after it, which from then on gets whole messages through them.
 *
 * <p>Per connection; runs on the connection's event loop.
 */
final class WebSocketFrameHandler extends WebSocket13FrameDecoder implements ChannelOutboundHandler {
    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

    private final Session session;
    private final ClientErrors errors;
    /** A gate, an aggregator and a {@link Whole} sit after this handler (the client fragmented a message). */
    private boolean gated;

    WebSocketFrameHandler(WebSocketDecoderConfig config, Session session, ClientErrors errors) {
        super(config);
        this.session = session;
        this.errors = errors;
    }

    /** Close frames are checked by {@link CloseFrames} once decoded (see {@link Rfc6455Handshaker}). */
    @Override
    protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf buffer) {
    }

    /**
     * Decodes as Netty does, then handles each decoded frame here instead of passing it on — once
     * gated, frames go on to the gate. An exception of the handling goes to {@link
     * #exceptionCaught} as it would from a handler of its own after the decoder, and decoding goes
     * on (rather than surfacing wrapped from the decoder).
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        int from = out.size();
        super.decode(ctx, in, out);
        if (gated) {
            return;
        }
        while (out.size() > from) {
            WebSocketFrame frame = (WebSocketFrame) out.remove(from);
            if (gated) {
                out.add(from++, frame); // gated by the frame before: on to the gate, in order
                continue;
            }
            try {
                onFrame(ctx, frame);
            } catch (Throwable t) {
                exceptionCaught(ctx, t);
            }
        }
    }

    private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
        if (!session.rateLimiter().admit(frame)) {
            return; // released
        }
        if (!frame.isFinalFragment() || frame instanceof ContinuationWebSocketFrame) {
            gate(ctx).admitted(frame);
            return;
        }
        if (frame instanceof TextWebSocketFrame && !Utf8Text.isValid(frame.content())) {
            // as Netty's Utf8FrameValidator reports it (RFC 6455 8.1: 1007), to exceptionCaught
            frame.release();
            throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
                    "bytes are not UTF-8");
        }
        handleAndRelease(ctx, frame);
    }

    private void handleAndRelease(ChannelHandlerContext ctx, WebSocketFrame frame) {
        try {
            handle(ctx, frame);
        } finally {
            frame.release();
        }
    }

    /** Puts the fragment gate, the aggregator and the way back here after this handler. */
    private GateEntry gate(ChannelHandlerContext ctx) {
        gated = true;
        InboundRateLimiter limiter = session.rateLimiter();
        FragmentGate gate = new FragmentGate(limiter);
        ChannelPipeline p = ctx.pipeline();
        p.addLast(gate);
        if (limiter.maxMessageBytes() > 0) {
            p.addLast(new WebSocketFrameAggregator(limiter.maxMessageBytes()));
        }
        p.addLast(new Whole(this, ctx));
        return new GateEntry(gate, p.context(gate));
    }

    /** The gate and its context, to pass it the first fragment (already admitted). */
    private record GateEntry(FragmentGate gate, ChannelHandlerContext ctx) {
        void admitted(WebSocketFrame frame) throws Exception {
            gate.admitted(ctx, frame);
        }
    }

    /**
     * The last handler of a gated connection: whole messages, and every exception of the gate and
     * the aggregator, back to the frame handler (with the frame handler's context).
     */
    private static final class Whole extends ChannelInboundHandlerAdapter {
        private final WebSocketFrameHandler frames;
        private final ChannelHandlerContext framesCtx;

        Whole(WebSocketFrameHandler frames, ChannelHandlerContext framesCtx) {
            this.frames = frames;
            this.framesCtx = framesCtx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof WebSocketFrame frame) {
                frames.handleAndRelease(framesCtx, frame);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            frames.exceptionCaught(framesCtx, cause);
        }
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

    // Outbound: frame objects (a close, a pong) leave encoded; bytes (the outbound queue's
    // batches) as they are. Everything else passes as through a duplex handler.

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        Rfc6455Handshaker.ENCODER.write(ctx, msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                        ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }

    /**
     * The session's end: releases the connection and what its outbound queue holds — after the
     * decoder has handled what it still held (its frames reach the session first, as they did
     * when the session's handler came after the decoder).
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            session.onClosed();
        }
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

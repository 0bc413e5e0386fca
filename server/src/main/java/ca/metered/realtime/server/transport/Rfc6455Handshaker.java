package ca.metered.realtime.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;

/**
 * Netty's version 13 handshaker, with one change in the frame decoder it installs: close
 * frames are not checked there. Netty's check, once it has seen a close frame, fails the
 * connection with no close frame at all and lets codes of 5000 and above through; the close
 * frame is checked instead by {@link CloseFrames} in the frame handler, which answers 1002 or
 * 1007 as RFC 6455 7.4 asks. Everything else (masking, lengths, opcodes, fragmentation) stays
 * Netty's.
 *
 * <p>Immutable once built; one per upgrade, garbage once the upgrade is answered.
 */
final class Rfc6455Handshaker extends WebSocketServerHandshaker13 {
    /** Netty's frame encoder keeps no state for a server: one for every connection. */
    private static final WebSocketFrameEncoder ENCODER = new SharedEncoder();

    Rfc6455Handshaker(String webSocketUrl, WebSocketDecoderConfig decoderConfig) {
        super(webSocketUrl, null, decoderConfig);
    }

    @Override
    protected WebSocketFrameDecoder newWebsocketDecoder() {
        return new Decoder(decoderConfig());
    }

    @Override
    protected WebSocketFrameEncoder newWebSocketEncoder() {
        return ENCODER;
    }

    /**
     * Netty's version 13 encoder, unmasked, shared by every connection: its only fields are final
     * (no mask generator for a server, the type matcher), so one instance serves every pipeline
     * — 24 bytes less per connection (docs/performance.md, "Idle connections").
     */
    @ChannelHandler.Sharable
    private static final class SharedEncoder extends WebSocket13FrameEncoder {
        SharedEncoder() {
            super(false);
        }
    }

    /**
     * The frame decoder, for as long as the connection lives. A static class, so that it does not
     * keep the handshaker (and its URL) of every connection reachable.
     */
    private static final class Decoder extends WebSocket13FrameDecoder {
        Decoder(WebSocketDecoderConfig config) {
            super(config);
        }

        @Override
        protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf buffer) {
            // checked by CloseFrames, after decoding
        }
    }
}

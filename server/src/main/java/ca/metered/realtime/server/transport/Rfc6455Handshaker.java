package ca.metered.realtime.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;

/**
 * Netty's version 13 handshaker, with two changes (and one frame encoder shared by every
 * connection).
 *
 * <p>The frame decoder it installs does not check close frames. Netty's check, once it has
 * seen a close frame, fails the connection with no close frame at all and lets codes of 5000
 * and above through; the close frame is checked instead by {@link CloseFrames} in the frame
 * handler, which answers 1002 or 1007 as RFC 6455 7.4 asks. Everything else (masking, lengths,
 * opcodes, fragmentation) stays Netty's.
 *
 * <p>{@link #upgrade} writes the {@code 101} without flushing it, so that it leaves in one write
 * with what the connection sends next (the {@code welcome}, or a close before it) instead of a
 * write and a segment of its own per connection (docs/performance.md, "Idle connections").
 *
 * <p>Immutable once built; one per upgrade, garbage once the upgrade is answered.
 */
final class Rfc6455Handshaker extends WebSocketServerHandshaker13 {
    /**
     * Netty's frame encoder keeps no state for a server: one for every connection. A session's
     * {@link WebSocketFrameHandler} encodes through it without it being in the pipeline.
     */
    static final WebSocketFrameEncoder ENCODER = new SharedEncoder();

    Rfc6455Handshaker(String webSocketUrl, WebSocketDecoderConfig decoderConfig) {
        super(webSocketUrl, null, decoderConfig);
    }

    /**
     * The opening handshake as Netty's {@link #handshake(Channel, FullHttpRequest)} performs it
     * with an {@link HttpServerCodec} (the aggregator leaves, the frame decoder and encoder go
     * before the codec, the same {@code 101} response), except that the response is written and
     * not flushed, and that the codec leaves the pipeline as soon as the response has passed
     * it (it is encoded on the way) rather than once it is on the wire. Whatever is written
     * next goes out as WebSocket, behind the {@code 101}; the caller flushes (or lets its next
     * frame's flush take the {@code 101} along). On the channel's event loop.
     *
     * <p>With a session, its {@link WebSocketFrameHandler} is the decoder and encodes itself: it
     * is then the only handler of the connection. Without one (a refused credential, closed at
     * once), Netty's frame decoder and encoder go in.
     *
     * @param frames the session's frame handler, or null for Netty's decoder and encoder
     * @return the write of the {@code 101}, complete once it is flushed to the socket
     * @throws io.netty.handler.codec.http.websocketx.WebSocketHandshakeException as Netty's
     *     handshake does, for a request without a valid key (checked before by {@link UpgradeRequestCheck})
     */
    ChannelFuture upgrade(Channel channel, FullHttpRequest req, WebSocketFrameHandler frames) {
        ChannelPipeline p = channel.pipeline();
        ChannelHandlerContext codec = p.context(HttpServerCodec.class);
        if (codec == null) {
            return channel.newFailedFuture(new IllegalStateException("no HttpServerCodec in the pipeline"));
        }
        var response = newHandshakeResponse(req, null);
        if (p.get(HttpObjectAggregator.class) != null) {
            p.remove(HttpObjectAggregator.class);
        }
        if (frames != null) {
            p.addBefore(codec.name(), "wsdecoder", frames);
        } else {
            p.addBefore(codec.name(), "wsdecoder", newWebsocketDecoder());
            p.addBefore(codec.name(), "wsencoder", newWebSocketEncoder());
        }
        ChannelFuture written = channel.write(response);
        p.remove(codec.handler());
        return written;
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
     * The frame decoder of a connection refused at the upgrade (a session's is its {@link
     * WebSocketFrameHandler}). A static class, so that it does not keep the handshaker (and its
     * URL) reachable.
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

package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.cluster.UsageStore;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.cluster.UsageStore.Usage;
import ca.metered.realtime.server.connection.Connections;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import ca.metered.realtime.server.auth.TokenRequest;
import ca.metered.realtime.server.connection.CoreFixture;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.session.OutboundBudget;
import ca.metered.realtime.server.session.Sessions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * What an upgraded connection keeps (docs/performance.md, "Idle connections"): after a real
 * {@code GET /v1} upgrade through the HTTP stage as {@code RmsServer} builds it, nothing of that
 * stage is left in the pipeline — no HTTP codec, aggregator, request guard, router or error
 * sink — only Netty's frame decoder and the session's frame handler, which also encodes; a
 * fragment gate and aggregator come only when a client fragments a message. And the {@code 101} leaves in one
 * write with what follows it (the welcome, or a close before any welcome).
 */
class UpgradedPipelineTest {
    private final CoreFixture core = new CoreFixture();
    private final ClientErrors errors = new ClientErrors();
    private final LongSupplier nanoTime = System::nanoTime;

    /** An embedded channel with a TCP peer address, as the upgrade reads it. */
    private static final class TcpLikeChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }
    }

    /** Stands for {@link HttpRouter}: every request here is the upgrade. */
    private static final class UpgradeOnly extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final WebSocketUpgrade upgrade;

        UpgradeOnly(WebSocketUpgrade upgrade) {
            this.upgrade = upgrade;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            upgrade.handle(ctx, req);
        }
    }

    private EmbeddedChannel upgraded() {
        EmbeddedChannel ch = upgrading("token=" + token(), null);
        ByteBuf response = ch.readOutbound();
        assertThat(response.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101 Switching Protocols");
        response.release();
        return ch;
    }

    private String token() {
        return new TokenMinter(core.time.clock()).mint(core.app().secretKeys().get(0),
                new TokenRequest("alice", null, null, 3600L, null, null)).token();
    }

    /** A channel built as RmsServer builds it (less the guards), after a {@code GET /v1?query}; {@code flushes} first if given. */
    private EmbeddedChannel upgrading(String query, Flushes flushes) {
        return upgrading(query, flushes, core.connections);
    }

    private EmbeddedChannel upgrading(String query, Flushes flushes, Connections connections) {
        Sessions sessions = new Sessions(connections, core.memberships, core.messages, core.history,
                new IceServerProvider(core.time.clock()), core.time, core.config, core.metrics,
                new OutboundBudget(OutboundBudget.UNLIMITED));
        WebSocketUpgrade upgrade = new WebSocketUpgrade(core.authenticator, sessions,
                new ConnectRateLimiter(1000, 1_000_000_000L, nanoTime), new ClientAddress(List.of()), false, errors,
                core.metrics);
        EmbeddedChannel ch = new TcpLikeChannel();
        if (flushes != null) {
            ch.pipeline().addLast(flushes);
        }
        ch.pipeline().addLast(new HttpServerCodec(), new BodyLimit(errors), new UpgradeOnly(upgrade),
                new ClientErrorSink(errors));
        String request = "GET /v1?" + query + " HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        ch.runPendingTasks();
        return ch;
    }

    /**
     * First in the pipeline, where bytes go to the socket: what was written between two flushes
     * (each flush is one write to the socket), as ISO-8859-1 text.
     */
    private static final class Flushes extends ChannelOutboundHandlerAdapter {
        final List<List<String>> flushed = new ArrayList<>();
        private List<String> pending = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            pending.add(msg instanceof ByteBuf b ? b.toString(StandardCharsets.ISO_8859_1) : String.valueOf(msg));
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!pending.isEmpty()) {
                flushed.add(pending);
                pending = new ArrayList<>();
            }
            ctx.flush();
        }
    }

    @Test
    void theSwitchingProtocolsResponseAndTheWelcomeLeaveInOneFlushInThatOrder() {
        Flushes flushes = new Flushes();
        EmbeddedChannel ch = upgrading("token=" + token(), flushes);
        assertThat(flushes.flushed).isNotEmpty();
        List<String> first = flushes.flushed.get(0);
        assertThat(first).hasSize(2);
        assertThat(first.get(0)).startsWith("HTTP/1.1 101 Switching Protocols")
                .contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(first.get(1)).startsWith("\u0081").contains("\"type\":\"welcome\"");
        assertThat(flushes.pending).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void whenTheWelcomeWaitsForTheUsageStoreTheSwitchingProtocolsResponseIsFlushedAtOnce() {
        CompletableFuture<Boolean> admitted = new CompletableFuture<>();
        UsageStore store = core.backplane.usage();
        UsageStore pending = new UsageStore() {
            @Override
            public CompletionStage<Boolean> tryOpenConnection(String appId, String peerId, int max) {
                return admitted; // as a remote store: decided later, off this thread
            }

            @Override
            public CompletionStage<Void> closeConnection(String appId, String peerId) {
                return store.closeConnection(appId, peerId);
            }

            @Override
            public CompletionStage<Boolean> countMessage(String appId, long max) {
                return store.countMessage(appId, max);
            }

            @Override
            public CompletionStage<Usage> usage(String appId) {
                return store.usage(appId);
            }

            @Override
            public CompletionStage<Long> connectionsOf(String appId, String peerId) {
                return store.connectionsOf(appId, peerId);
            }
        };
        Connections connections = new Connections(core.time, core.authenticator, core.config, pending,
                core.memberships, LifecycleListener.NONE);
        Flushes flushes = new Flushes();
        EmbeddedChannel ch = upgrading("token=" + token(), flushes, connections);
        assertThat(flushes.flushed).hasSize(1);
        assertThat(flushes.flushed.get(0)).singleElement()
                .satisfies(r -> assertThat(r).startsWith("HTTP/1.1 101 Switching Protocols"));
        admitted.complete(true);
        ch.runPendingTasks();
        assertThat(flushes.flushed).hasSize(2);
        assertThat(flushes.flushed.get(1)).singleElement().satisfies(w -> assertThat(w).contains("\"type\":\"welcome\""));
        ch.finishAndReleaseAll();
    }

    @Test
    void aRefusedTokenGetsTheSwitchingProtocolsResponseAndItsCloseInOneFlush() {
        Flushes flushes = new Flushes();
        EmbeddedChannel ch = upgrading("token=not.a.token", flushes);
        assertThat(flushes.flushed).hasSize(1);
        List<String> first = flushes.flushed.get(0);
        assertThat(first.get(0)).startsWith("HTTP/1.1 101 Switching Protocols");
        String close = String.join("", first.subList(1, first.size()));
        assertThat(close.charAt(0)).isEqualTo((char) 0x88); // FIN + close
        int code = (close.charAt(2) << 8) | close.charAt(3);
        assertThat(code).isEqualTo(CloseCode.INVALID_TOKEN.code());
        assertThat(close).doesNotContain("welcome");
        assertThat(ch.isActive()).isFalse(); // closed once the close frame is written
        ch.finishAndReleaseAll();
    }

    private static List<Class<?>> handlers(EmbeddedChannel ch) {
        List<Class<?>> out = new ArrayList<>();
        for (Map.Entry<String, ChannelHandler> e : ch.pipeline()) {
            out.add(e.getValue().getClass());
        }
        return out;
    }

    @Test
    void onlyTheSessionsFrameHandlerWhichIsTheFrameDecoderStaysAfterTheUpgrade() {
        EmbeddedChannel ch = upgraded();
        List<Class<?>> handlers = handlers(ch);
        assertThat(handlers).containsExactly(WebSocketFrameHandler.class);
        assertThat(WebSocketFrameHandler.class).isAssignableTo(WebSocket13FrameDecoder.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void theSessionsHandlerEncodesWhatIsWrittenWithTheEncoderEveryConnectionShares() {
        EmbeddedChannel ch = upgraded();
        drainOutbound(ch); // the welcome
        assertThat(ch.pipeline().get(WebSocket13FrameEncoder.class)).isNull();
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
        ByteBuf close = ch.readOutbound();
        assertThat(close.getUnsignedByte(0)).isEqualTo((short) 0x88); // FIN + close, unmasked
        assertThat(close.getUnsignedByte(1)).isEqualTo((short) 5);
        assertThat(close.getUnsignedShort(2)).isEqualTo(1000);
        assertThat(close.toString(4, 3, StandardCharsets.US_ASCII)).isEqualTo("bye");
        close.release();
        assertThat(Rfc6455Handshaker.ENCODER).isInstanceOf(WebSocket13FrameEncoder.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void aFragmentedMessageIsAggregatedAndAnsweredAndOnlyThenAreAGateAndAnAggregatorAdded() {
        EmbeddedChannel ch = upgraded();
        drainOutbound(ch); // the welcome
        assertThat(ch.pipeline().get(WebSocketFrameAggregator.class)).isNull();
        // a subscribe in two masked frames: text (not final), then continuation (final)
        ch.writeInbound(maskedFrame(0x1, false, "{\"type\":\"subscribe\",\"channel\":\"room\","),
                maskedFrame(0x0, true, "\"requestId\":\"r1\"}"));
        ch.runPendingTasks();
        List<Class<?>> handlers = handlers(ch);
        assertThat(handlers).hasSize(4);
        assertThat(handlers.get(0)).isEqualTo(WebSocketFrameHandler.class);
        assertThat(handlers.get(1)).isEqualTo(FragmentGate.class);
        assertThat(handlers.get(2)).isEqualTo(WebSocketFrameAggregator.class);
        assertThat(handlers.get(3).getSimpleName()).isEqualTo("Whole");
        assertThat(drainOutbound(ch)).anySatisfy(text -> assertThat(text).contains("\"r1\""));
        // later messages, whole or fragmented, go the same way
        ch.writeInbound(maskedFrame(0x1, true, "{\"type\":\"subscribe\",\"channel\":\"b\",\"requestId\":\"r2\"}"));
        ch.writeInbound(maskedFrame(0x1, false, "{\"type\":\"subscribe\",\"channel\":\"c\","),
                maskedFrame(0x0, false, "\"requestId\""), maskedFrame(0x0, true, ":\"r3\"}"));
        List<String> out = drainOutbound(ch);
        assertThat(out).anySatisfy(text -> assertThat(text).contains("\"r2\""))
                .anySatisfy(text -> assertThat(text).contains("\"r3\""));
        ch.finishAndReleaseAll();
    }

    @Test
    void invalidUtf8IsClosedWith1007WholeOrAcrossFragments() {
        for (boolean fragmented : new boolean[] {false, true}) {
            EmbeddedChannel ch = upgraded();
            drainOutbound(ch); // the welcome
            byte[] bad = {'"', (byte) 0xC3, 0x28, '"'};
            if (fragmented) {
                // each fragment alone could be a prefix of valid text: only the first is checked when it arrives
                ch.writeInbound(maskedFrame(0x1, false, "\"\u00e9".getBytes(StandardCharsets.UTF_8)),
                        maskedFrame(0x0, true, new byte[] {(byte) 0xC3, 0x28, '"'}));
            } else {
                ch.writeInbound(maskedFrame(0x1, true, bad));
            }
            ch.runPendingTasks();
            List<ByteBuf> frames = rawOutbound(ch);
            assertThat(frames).as(fragmented ? "fragmented" : "whole").isNotEmpty();
            ByteBuf close = frames.get(frames.size() - 1);
            assertThat(close.getUnsignedByte(0)).isEqualTo((short) 0x88);
            assertThat(close.getUnsignedShort(2)).isEqualTo(1007);
            frames.forEach(ByteBuf::release);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aFrameWhoseHandlingFailsDoesNotStopTheFramesAfterItInTheSameReadFromBeingDecodedAndReleased() {
        EmbeddedChannel ch = upgraded();
        drainOutbound(ch); // the welcome
        // one read: a text frame that is not UTF-8 (its handling throws, 1007), then a ping and a subscribe
        ByteBuf read = Unpooled.buffer();
        for (ByteBuf frame : List.of(maskedFrame(0x1, true, new byte[] {'"', (byte) 0xC3, 0x28, '"'}),
                maskedFrame(0x9, true, "p"),
                maskedFrame(0x1, true, "{\"type\":\"subscribe\",\"channel\":\"room\",\"requestId\":\"r1\"}"))) {
            read.writeBytes(frame);
            frame.release();
        }
        ch.writeInbound(read.retain());
        ch.runPendingTasks();
        ch.checkException(); // handled by the frame handler, nothing surfaced from the decoder
        assertThat(read.isReadable()).as("every frame of the read decoded").isFalse();
        assertThat(read.refCnt()).as("every decoded frame released, none kept").isEqualTo(1);
        read.release();
        List<ByteBuf> frames = rawOutbound(ch);
        assertThat(frames).isNotEmpty();
        assertThat(frames.get(frames.size() - 1).getUnsignedShort(2)).isEqualTo(1007);
        assertThat(frames).noneSatisfy(f -> assertThat(f.toString(StandardCharsets.UTF_8)).contains("\"r1\""));
        frames.forEach(ByteBuf::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void everyFragmentTakesOneTokenTheFirstIncluded() {
        // the core's default limits, on the fixture's clock (no refill): a burst of DEFAULT_MESSAGE_BURST frames
        EmbeddedChannel ch = upgraded();
        drainOutbound(ch);
        ch.writeInbound(maskedFrame(0x1, false, "{\"type\":\"subscribe\","));
        for (int i = 0; i < Limits.DEFAULT_MESSAGE_BURST - 2; i++) {
            ch.writeInbound(maskedFrame(0x0, false, " "));
        }
        ch.writeInbound(maskedFrame(0x0, true, "\"channel\":\"room\",\"requestId\":\"r1\"}")); // the burst's last
        ch.runPendingTasks();
        List<ByteBuf> frames = rawOutbound(ch);
        assertThat(frames).anySatisfy(f -> assertThat(f.toString(StandardCharsets.UTF_8)).contains("\"r1\""))
                .noneSatisfy(f -> assertThat(f.getUnsignedByte(0)).isEqualTo((short) 0x88));
        frames.forEach(ByteBuf::release);
        ch.writeInbound(maskedFrame(0x9, true, "")); // one over the rate
        ch.runPendingTasks();
        frames = rawOutbound(ch);
        ByteBuf close = frames.get(frames.size() - 1);
        assertThat(close.getUnsignedShort(2)).isEqualTo(4011);
        frames.forEach(ByteBuf::release);
        ch.finishAndReleaseAll();
    }

    private static List<ByteBuf> rawOutbound(EmbeddedChannel ch) {
        List<ByteBuf> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            out.add((ByteBuf) o);
        }
        return out;
    }

    /** The text of what went out: frame bytes as ASCII (unmasked server frames; enough to find a requestId). */
    private static List<String> drainOutbound(EmbeddedChannel ch) {
        ch.runPendingTasks();
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof ByteBuf b) {
                out.add(b.toString(StandardCharsets.UTF_8));
                b.release();
            }
        }
        return out;
    }

    /** One client frame (masked, as RFC 6455 5.3 requires of clients) with a short payload. */
    private static ByteBuf maskedFrame(int opcode, boolean fin, String text) {
        return maskedFrame(opcode, fin, text.getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuf maskedFrame(int opcode, boolean fin, byte[] payload) {
        byte[] mask = {1, 2, 3, 4};
        ByteBuf b = Unpooled.buffer();
        b.writeByte((fin ? 0x80 : 0) | opcode);
        b.writeByte(0x80 | payload.length);
        b.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            b.writeByte(payload[i] ^ mask[i % 4]);
        }
        return b;
    }
}

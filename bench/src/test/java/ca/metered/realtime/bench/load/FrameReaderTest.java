package ca.metered.realtime.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    /** What the reader passes on: control frames, as "ping:…", and exceptions. */
    private static final class After extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            WebSocketFrame f = (WebSocketFrame) msg;
            String kind = f instanceof PingWebSocketFrame ? "ping" : f instanceof PongWebSocketFrame ? "pong"
                    : f instanceof CloseWebSocketFrame c ? "close " + c.statusCode() : f.getClass().getSimpleName();
            seen.add(kind + ":" + f.content().toString(StandardCharsets.ISO_8859_1));
            f.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add("error:" + cause.getClass().getSimpleName());
        }
    }

    /** The bytes a server sends for these frames (unmasked, RFC 6455 5.1). */
    static byte[] wire(WebSocketFrame... frames) {
        EmbeddedChannel enc = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        ByteBuf all = Unpooled.buffer();
        for (WebSocketFrame f : frames) {
            enc.writeOutbound(f);
            Object o;
            while ((o = enc.readOutbound()) != null) {
                all.writeBytes((ByteBuf) o);
                ReferenceCountUtil.release(o);
            }
        }
        byte[] b = new byte[all.readableBytes()];
        all.readBytes(b);
        return b;
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    @Test
    void messagesOfEveryLengthFormCutAnywhereArriveWholeInOrderAndNothingLeaks() {
        String small = "{\"type\":\"message\"}";
        String medium = repeat('m', 300); // 16-bit length
        String large = repeat('L', 70_000); // 64-bit length
        Random random = new Random(13);
        for (int round = 0; round < 40; round++) {
            byte[] bytes = wire(new TextWebSocketFrame(small), new BinaryWebSocketFrame(Unpooled.copiedBuffer(medium, StandardCharsets.US_ASCII)),
                    new TextWebSocketFrame(large), new TextWebSocketFrame(""), new TextWebSocketFrame(small));
            RecordingPeer peer = new RecordingPeer();
            EmbeddedChannel ch = new EmbeddedChannel(new FrameReader(peer, 1 << 20), new After());
            List<ByteBuf> reads = new ArrayList<>();
            for (int i = 0; i < bytes.length; ) {
                int n = Math.min(bytes.length - i, 1 + random.nextInt(round % 2 == 0 ? 8 : 40_000));
                ByteBuf in = Unpooled.copiedBuffer(bytes, i, n);
                reads.add(in);
                ch.writeInbound(in);
                i += n;
            }
            assertThat(peer.messages).as("round %d", round)
                    .containsExactly("text:" + small, "binary:" + medium, "text:" + large, "text:", "text:" + small);
            assertThat(reads).allSatisfy(b -> assertThat(b.refCnt()).isZero());
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void fragmentsAreJoinedAndControlFramesBetweenThemPassOn() {
        RecordingPeer peer = new RecordingPeer();
        After after = new After();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameReader(peer, 1 << 20), after);
        byte[] bytes = wire(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("ab", StandardCharsets.US_ASCII)),
                new PingWebSocketFrame(Unpooled.copiedBuffer("p1", StandardCharsets.US_ASCII)),
                new ContinuationWebSocketFrame(false, 0, Unpooled.copiedBuffer("cd", StandardCharsets.US_ASCII)),
                new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("ef", StandardCharsets.US_ASCII)),
                new PongWebSocketFrame(Unpooled.copiedBuffer("p2", StandardCharsets.US_ASCII)),
                new CloseWebSocketFrame(1001, "bye"));
        for (byte b : bytes) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(peer.messages).containsExactly("text:abcdef");
        assertThat(after.seen).containsExactly("ping:p1", "pong:p2", "close 1001:" + "\u0003\u00e9bye");
        ch.finishAndReleaseAll();
    }

    @Test
    void aMaskedFrameAnUnknownOpcodeAStrayContinuationOrAnOversizedMessageFailTheConnection() {
        byte[] text = wire(new TextWebSocketFrame("hi"));
        byte[] masked = text.clone();
        masked[1] |= (byte) 0x80;
        byte[] reserved = text.clone();
        reserved[0] = (byte) (0x80 | 3);
        byte[] stray = wire(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII)));
        byte[] big = wire(new TextWebSocketFrame(repeat('x', 200)));
        for (byte[] bad : List.of(masked, reserved, stray, big)) {
            RecordingPeer peer = new RecordingPeer();
            After after = new After();
            EmbeddedChannel ch = new EmbeddedChannel(new FrameReader(peer, 100), after);
            ByteBuf in = Unpooled.buffer().writeBytes(bad).writeBytes(text);
            ch.writeInbound(in);
            ByteBuf later = Unpooled.copiedBuffer(text);
            ch.writeInbound(later); // after the error: dropped, released
            assertThat(after.seen).hasSize(1).first().asString()
                    .isIn("error:" + CorruptedFrameException.class.getSimpleName(), "error:" + TooLongFrameException.class.getSimpleName());
            assertThat(peer.messages).isEmpty();
            assertThat(in.refCnt()).isZero();
            assertThat(later.refCnt()).isZero();
            ch.finishAndReleaseAll();
        }
    }
}

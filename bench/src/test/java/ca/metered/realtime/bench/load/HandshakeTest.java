package ca.metered.realtime.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static final URI URL = URI.create("ws://127.0.0.1:18080/v1?key=pk_live_bench_presence");
    private static final Pattern KEY = Pattern.compile("sec-websocket-key: ([A-Za-z0-9+/=]+)\r\n");

    private final RecordingPeer peer = new RecordingPeer();

    private EmbeddedChannel connect(long timeoutMillis) {
        return new EmbeddedChannel(new Handshake(new Handshake.Request(URL), peer, 1 << 20, timeoutMillis), peer);
    }

    /** Answers the request the handshake wrote with a valid 101 followed, in the same read, by {@code after}. */
    private static void upgrade(EmbeddedChannel ch, WebSocketFrame... after) {
        ch.writeInbound(bytes(validResponse(ch), FrameReaderTest.wire(after)));
    }

    private static String validResponse(EmbeddedChannel ch) {
        return response(Handshake.acceptOf(keyOf(written(ch)).getBytes(StandardCharsets.US_ASCII)));
    }

    /** The request the handshake wrote, as text. */
    private static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            out.append(((ByteBuf) o).toString(StandardCharsets.US_ASCII));
            ReferenceCountUtil.release(o);
        }
        return out.toString();
    }

    private static String keyOf(String request) {
        Matcher m = KEY.matcher(request);
        assertThat(m.find()).as("a key in %s", request).isTrue();
        return m.group(1);
    }

    private static String response(String accept) {
        return "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
                + "sec-websocket-accept: " + accept + "\r\n\r\n";
    }

    /** The response without the blank line that ends it, as {@link Handshake#check} reads it. */
    private static String head(String accept) {
        String r = response(accept);
        return r.substring(0, r.length() - 4);
    }

    private static ByteBuf bytes(String s, byte[] more) {
        return Unpooled.buffer().writeBytes(s.getBytes(StandardCharsets.ISO_8859_1)).writeBytes(more);
    }

    private List<Class<?>> handlers(EmbeddedChannel ch) {
        List<Class<?>> out = new ArrayList<>();
        ch.pipeline().forEach(e -> out.add(e.getValue().getClass()));
        return out;
    }

    @Test
    void acceptIsTheRfcExample() {
        // RFC 6455 1.3: the key "dGhlIHNhbXBsZSBub25jZQ==" is answered with "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
        assertThat(Handshake.acceptOf("dGhlIHNhbXBsZSBub25jZQ==".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        byte[] k1 = Handshake.newKey();
        byte[] k2 = Handshake.newKey();
        assertThat(k1).hasSize(24).isNotEqualTo(k2);
        assertThat(java.util.Base64.getDecoder().decode(k1)).hasSize(16);
    }

    @Test
    void theRequestIsNettysHandshakeRequestWithAnotherKey() throws Exception {
        // What Netty's client handshaker (used before) writes for the same URL, through its codec.
        EmbeddedChannel netty = new EmbeddedChannel(new HttpClientCodec());
        new WebSocketClientHandshaker13(URL, WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), 1 << 20)
                .handshake(netty).sync();
        String expected = written(netty);

        EmbeddedChannel ch = connect(0);
        String ours = written(ch);
        assertThat(ours).startsWith("GET /v1?key=pk_live_bench_presence HTTP/1.1\r\n").endsWith("\r\n\r\n");
        assertThat(ours).isEqualTo(expected.replace(keyOf(expected), keyOf(ours)));
        assertThat(keyOf(ours)).isNotEqualTo(keyOf(expected));
        ch.finishAndReleaseAll();
    }

    @Test
    void aCheckedResponseLeavesTheFrameCodecAndTheBytesAfterItAreFrames() {
        EmbeddedChannel ch = connect(60_000);
        // The 101 and the server's first two messages in one read.
        upgrade(ch, new TextWebSocketFrame("{\"type\":\"welcome\"}"), new TextWebSocketFrame("second"));
        assertThat(peer.messages).containsExactly("text:{\"type\":\"welcome\"}", "text:second");
        assertThat(peer.ready()).isCompleted();
        assertThat(handlers(ch)).containsExactly(WebSocket13FrameEncoder.class, FrameReader.class, RecordingPeer.class);
        // Frames afterwards, and the client's frames are masked (RFC 6455 5.3).
        ch.writeInbound(Unpooled.wrappedBuffer(FrameReaderTest.wire(new TextWebSocketFrame("third"))));
        assertThat(peer.messages).containsExactly("text:{\"type\":\"welcome\"}", "text:second", "text:third");
        ch.writeOutbound(new TextWebSocketFrame("hi"));
        ByteBuf out = ch.readOutbound();
        assertThat(out.getByte(1) & 0x80).isEqualTo(0x80);
        out.release();
        assertThat(ch.isActive()).isTrue();
        // The timeout was cancelled: nothing happens after it would have fired.
        ch.advanceTimeBy(61, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aResponseInManyReadsIsJoined() {
        EmbeddedChannel ch = connect(60_000);
        ByteBuf all = bytes(validResponse(ch), FrameReaderTest.wire(new TextWebSocketFrame("welcome")));
        while (all.isReadable()) {
            ch.writeInbound(all.readRetainedSlice(1));
        }
        all.release();
        assertThat(peer.messages).containsExactly("text:welcome");
        assertThat(handlers(ch)).containsExactly(WebSocket13FrameEncoder.class, FrameReader.class, RecordingPeer.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void theServersPingIsAnsweredWithItsPayload() {
        EmbeddedChannel ch = connect(60_000);
        upgrade(ch, new PingWebSocketFrame(Unpooled.copiedBuffer("p1", StandardCharsets.US_ASCII)));
        ByteBuf pong = ch.readOutbound();
        // FIN + opcode 10, masked, 2 bytes; the payload unmasked is the ping's.
        assertThat(pong.getUnsignedByte(0)).isEqualTo((short) 0x8A);
        assertThat(pong.getUnsignedByte(1)).isEqualTo((short) (0x80 | 2));
        byte[] mask = new byte[4];
        pong.getBytes(2, mask);
        String payload = new String(new byte[] {(byte) (pong.getByte(6) ^ mask[0]), (byte) (pong.getByte(7) ^ mask[1])},
                StandardCharsets.US_ASCII);
        assertThat(payload).isEqualTo("p1");
        pong.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void everyRequiredCheckFailsTheConnection() {
        String good = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
        assertThat(Handshake.check(head(good), good)).isNull();
        assertThat(Handshake.check("HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\n"
                + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: " + good + "\r\nServer: x", good)).isNull();
        assertThat(Handshake.check("HTTP/1.1 400 Bad Request\r\nconnection: close", good)).contains("expected 101");
        assertThat(Handshake.check("HTTP/1.1 200 OK\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
                + "sec-websocket-accept: " + good, good)).contains("expected 101");
        assertThat(Handshake.check(head(good).replace("upgrade: websocket\r\n", ""), good)).contains("Upgrade");
        assertThat(Handshake.check(head(good).replace("upgrade: websocket", "upgrade: h2c"), good)).contains("Upgrade");
        assertThat(Handshake.check(head(good).replace("connection: upgrade", "connection: keep-alive"), good))
                .contains("Connection");
        assertThat(Handshake.check(head(good).replace("\r\nsec-websocket-accept: " + good, ""), good))
                .contains("no Sec-WebSocket-Accept");
        assertThat(Handshake.check(head("x" + good.substring(1)), good)).contains("expected " + good);
        assertThat(Handshake.check(head(good) + "\r\nsec-websocket-protocol: chat", good))
                .contains("not asked for");
        assertThat(Handshake.check(head(good) + "\r\nsec-websocket-accept: " + good, good))
                .contains("more than one");
        assertThat(Handshake.check(head(good) + "\r\nno colon here", good)).contains("malformed");
    }

    @Test
    void aWrongAcceptClosesTheConnectionAndNothingIsDelivered() {
        EmbeddedChannel ch = connect(60_000);
        written(ch);
        ch.writeInbound(bytes(response("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), FrameReaderTest.wire(new TextWebSocketFrame("welcome"))));
        assertThat(peer.messages).isEmpty();
        assertConnectFailed(ch, "Sec-WebSocket-Accept");
    }

    @Test
    void aResponseWithoutEndFailsPastTheLimit() {
        EmbeddedChannel ch = connect(60_000);
        written(ch);
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 101 Switching Protocols\r\nx: "
                + "a".repeat(Handshake.MAX_RESPONSE), StandardCharsets.US_ASCII));
        assertConnectFailed(ch, "within " + Handshake.MAX_RESPONSE);
    }

    @Test
    void noResponseTimesOut() {
        EmbeddedChannel ch = connect(5_000);
        written(ch);
        ch.advanceTimeBy(4, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(peer.ready()).isNotDone();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertConnectFailed(ch, "timed out");
    }

    /** The peer's connect failed with a handshake error saying {@code why}, and the channel is closed. */
    private void assertConnectFailed(EmbeddedChannel ch, String why) {
        assertThatThrownBy(() -> peer.ready().join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(WebSocketClientHandshakeException.class)
                .hasMessageContaining(why);
        assertThat(ch.isActive()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void onlyWsUrls() {
        assertThatThrownBy(() -> new Handshake.Request(URI.create("wss://example.org/v1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

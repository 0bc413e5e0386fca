package ca.metered.realtime.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerParsingTest {
    private final List<Long> stamps = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final PeerListener listener = new PeerListener() {
        @Override
        public void delivered(Peer peer, long sentNanos) {
            stamps.add(sentNanos);
        }

        @Override
        public void presence(Peer peer, List<String> joined, List<String> left) {
            events.add("presence " + joined + " " + left);
        }

        @Override
        public void acked(Peer peer) {
            events.add("acked");
        }

        @Override
        public void error(Peer peer, String text) {
            events.add("error " + text);
        }
    };

    @Test
    void natsStreamSplitAnywhereYieldsEveryMessageAndAnswersPings() {
        NatsPeer peer = new NatsPeer(0, listener, 100);
        EmbeddedChannel ch = new EmbeddedChannel(peer);
        ByteBuf payload = Unpooled.buffer();
        long stamp = Payload.stamp();
        Payload.writeNats(payload, stamp, Payload.natsPadding(100));
        assertThat(payload.readableBytes()).isEqualTo(100);
        String msg = "MSG bench.fanout 1 100\r\n" + payload.toString(StandardCharsets.US_ASCII) + "\r\n";
        String stream = "INFO {\"server_id\":\"x\"}\r\n" + msg + "PING\r\n" + msg + msg;
        byte[] bytes = stream.getBytes(StandardCharsets.US_ASCII);
        // Cut the stream into WebSocket messages of 7 bytes: lines and payloads straddle them.
        for (int i = 0; i < bytes.length; i += 7) {
            int n = Math.min(7, bytes.length - i);
            ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes, i, n)));
        }
        assertThat(stamps).containsExactly(stamp, stamp, stamp);
        assertThat(peer.ready()).isCompleted();
        assertThat(outbound(ch)).containsExactly(
                "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":false,\"echo\":false,"
                        + "\"protocol\":1,\"name\":\"rms-bench\",\"lang\":\"java\",\"version\":\"1\"}\r\n",
                "PONG\r\n");
        ch.finishAndReleaseAll();
    }

    @Test
    void natsSubscribeCompletesOnThePongAfterSub() {
        NatsPeer peer = new NatsPeer(0, listener, 100);
        EmbeddedChannel ch = new EmbeddedChannel(peer);
        var done = peer.subscribe("room-1");
        ch.runPendingTasks();
        assertThat(outbound(ch)).containsExactly("SUB bench.room-1 1\r\nPING\r\n");
        assertThat(done).isNotDone();
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.copiedBuffer("PONG\r\n", StandardCharsets.US_ASCII)));
        assertThat(done).isCompleted();
        ch.finishAndReleaseAll();
    }

    @Test
    void rmsFramesAreDispatchedByTypeAndPresenceArraysRead() {
        RmsPeer peer = new RmsPeer(0, listener, 100);
        EmbeddedChannel ch = new EmbeddedChannel(peer);
        ch.writeInbound(text("{\"type\":\"welcome\",\"peerId\":\"p-1\",\"serverTime\":1,\"expiresAt\":null,\"maxMessageSize\":65536}"));
        assertThat(peer.ready()).isCompleted();
        assertThat(peer.peerId()).isEqualTo("p-1");

        var sub = peer.subscribe("r");
        ch.runPendingTasks();
        assertThat(outbound(ch)).containsExactly("{\"type\":\"subscribe\",\"channel\":\"bench/r\",\"requestId\":\"s\"}");
        ch.writeInbound(text("{\"type\":\"ack\",\"requestId\":\"s\"}"));
        assertThat(sub).isCompleted();

        ch.writeInbound(text("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[{\"peerId\":\"a\"},"
                + "{\"peerId\":\"b\",\"metadata\":{\"peerId\":\"not-me\"}}],\"left\":[{\"peerId\":\"c\"}]}"));
        ch.writeInbound(text("{\"type\":\"pong\"}"));

        peer.publish("r", true);
        ch.flush();
        String sent = outbound(ch).get(0);
        assertThat(sent).startsWith("{\"type\":\"publish\",\"channel\":\"bench/r\",\"requestId\":\"p\",\"data\":{\"t\":");
        String data = sent.substring(sent.indexOf("\"data\":") + 7, sent.length() - 1);
        assertThat(data.getBytes(StandardCharsets.UTF_8)).hasSize(100);

        ch.writeInbound(text("{\"type\":\"message\",\"channel\":\"bench/r\",\"from\":\"x\",\"data\":" + data + "}"));
        ch.writeInbound(text("{\"type\":\"ack\",\"requestId\":\"p\"}"));
        assertThat(stamps).hasSize(1);
        assertThat(Payload.ageNanos(stamps.get(0))).isBetween(0L, 60_000_000_000L);
        assertThat(events).containsExactly("presence [a, b] [c]", "acked");
        ch.finishAndReleaseAll();
    }

    @Test
    void withADirectoryPresenceIsReadAsMemberNumbersAndMetadataFallsBackToTheParser() {
        PeerDirectory dir = new PeerDirectory(4);
        dir.register("a", 0);
        dir.register("bb", 1);
        List<String> seen = new ArrayList<>();
        PeerListener numbers = numbersInto(seen);
        RmsPeer peer = new RmsPeer(0, numbers, 100, dir);
        EmbeddedChannel ch = new EmbeddedChannel(peer);
        ch.writeInbound(text("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[{\"peerId\":\"a\"},"
                + "{\"peerId\":\"zz\"}],\"left\":[{\"peerId\":\"bb\"}]}"));
        ch.writeInbound(text("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[],\"left\":[]}"));
        ch.writeInbound(text("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[{\"peerId\":\"bb\","
                + "\"metadata\":{\"left\":[{\"peerId\":\"a\"}]}}],\"left\":[]}"));
        assertThat(seen).containsExactly("[0, -1] [1]", "[] []", "[1] []");
        ch.finishAndReleaseAll();
    }

    @Test
    void theEndOfAPeerIdIsFoundWhereverItFallsInAWord() {
        java.util.Random random = new java.util.Random(13);
        byte[] alphabet = "abc-\"\\é}".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) ('0' + random.nextInt(10));
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length);
            int expected = from;
            while (expected < b.length && b[expected] != '"' && b[expected] != '\\') {
                expected++;
            }
            assertThat(RmsPeer.quoteOrEscape(b, from, b.length)).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void escapedPeerIdsAndCutFramesTakeTheParser() {
        PeerDirectory dir = new PeerDirectory(4);
        dir.register("a\"b", 0);
        dir.register("0123456789abcdef-long-enough-for-words", 1);
        List<String> seen = new ArrayList<>();
        PeerListener numbers = numbersInto(seen);
        EmbeddedChannel ch = new EmbeddedChannel(new RmsPeer(0, numbers, 100, dir));
        ch.writeInbound(text("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[{\"peerId\":\"a\\\"b\"},"
                + "{\"peerId\":\"0123456789abcdef-long-enough-for-words\"}],\"left\":[]}"));
        ch.writeInbound(text("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[],"
                + "\"left\":[{\"peerId\":\"0123456789abcdef-long-enough-for-words\"}]}"));
        assertThat(seen).containsExactly("[0, 1] []", "[] [1]");
        ch.finishAndReleaseAll();
    }

    /** A listener that records each presence frame's member numbers as "[joined] [left]". */
    private static PeerListener numbersInto(List<String> seen) {
        return new PeerListener() {
            @Override
            public void presence(Peer peer, int[] joined, int jn, int[] left, int ln) {
                seen.add(java.util.Arrays.toString(java.util.Arrays.copyOf(joined, jn)) + " "
                        + java.util.Arrays.toString(java.util.Arrays.copyOf(left, ln)));
            }
        };
    }

    /** Frames in the same order, then in another, with an unknown peer: every entry read exactly. */
    @Test
    void presenceArraysInARepeatedOrderAndThenAnotherAreReadExactly() {
        PeerDirectory dir = new PeerDirectory(6);
        for (int i = 0; i < 5; i++) {
            dir.register("peer-" + i + "-" + "x".repeat(i), i);
        }
        List<String> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new RmsPeer(5, numbersInto(seen), 100, dir));
        int[][] orders = {{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}, {1, 2, 3}, {4, 3, 2, 1, 0}, {0, 1, -1, 2, 3, 4}, {0, 1, 2, 3, 4}};
        List<String> expected = new ArrayList<>();
        for (int[] order : orders) {
            StringBuilder json = new StringBuilder("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[");
            for (int k = 0; k < order.length; k++) {
                int m = order[k];
                json.append(k == 0 ? "" : ",").append("{\"peerId\":\"")
                        .append(m < 0 ? "peer-9" : "peer-" + m + "-" + "x".repeat(m)).append("\"}");
            }
            ch.writeInbound(text(json.append("],\"left\":[]}").toString()));
            expected.add(java.util.Arrays.toString(order) + " []");
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        ch.finishAndReleaseAll();
    }

    /**
     * Peers on one thread share the scan's buffers: a large frame for one, then small ones for
     * it and for another, interleaved, are each read as their own entries (nothing left over
     * from a longer frame scanned before).
     */
    @Test
    void peersOnOneThreadShareTheScanBuffersAndEachFrameIsReadAsItself() {
        PeerDirectory dir = new PeerDirectory(400);
        for (int i = 0; i < 300; i++) {
            dir.register("member-" + i, i);
        }
        List<String> seenA = new ArrayList<>();
        List<String> seenB = new ArrayList<>();
        EmbeddedChannel a = new EmbeddedChannel(new RmsPeer(298, numbersInto(seenA), 100, dir));
        EmbeddedChannel b = new EmbeddedChannel(new RmsPeer(299, numbersInto(seenB), 100, dir));
        int[] all = new int[298];
        StringBuilder big = new StringBuilder("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[");
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
            big.append(i == 0 ? "" : ",").append("{\"peerId\":\"member-").append(i).append("\"}");
        }
        big.append("],\"left\":[");
        for (int i = 0; i < 200; i++) {
            big.append(i == 0 ? "" : ",").append("{\"peerId\":\"member-").append(i).append("\"}");
        }
        a.writeInbound(text(big.append("]}").toString()));
        b.writeInbound(text("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[{\"peerId\":\"member-7\"}],\"left\":[]}"));
        a.writeInbound(text("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[],\"left\":[{\"peerId\":\"member-3\"}]}"));
        b.writeInbound(text("{\"type\":\"presence\",\"channel\":\"bench/r\",\"joined\":[],\"left\":[]}"));
        assertThat(seenA).containsExactly(
                java.util.Arrays.toString(all) + " " + java.util.Arrays.toString(java.util.Arrays.copyOf(all, 200)),
                "[] [3]");
        assertThat(seenB).containsExactly("[7] []", "[] []");
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    private static TextWebSocketFrame text(String s) {
        return new TextWebSocketFrame(s);
    }

    private static List<String> outbound(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            WebSocketFrame f = (WebSocketFrame) o;
            out.add(f.content().toString(StandardCharsets.UTF_8));
            f.release();
        }
        return out;
    }
}

package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A close the server decides reaches the client as a close frame with its code, not as a reset
 * or a bare EOF (1006), even when the client is slow to read or keeps sending (docs/protocol.md 4;
 * issue 9, item 5).
 */
class CloseDeliveryIT {

    @Test
    void aSlowReaderFindsThe1008SlowConsumerClose() throws Exception {
        try (TestServer server = TestServer.start(TestServer.singleApp("",
                "messageRate: 100000\nmessageBurst: 100000"));
             WsClient pub = server.client();
             RawWs slow = RawWs.open(server.port(), "/v1?key=" + TestServer.PK, 4096)) {
            assertThat(slow.readText()).contains("\"welcome\"");
            slow.sendText("{\"type\":\"subscribe\",\"channel\":\"feed\",\"requestId\":\"s\"}");
            assertThat(slow.readText()).contains("\"ack\"");
            // A reader that keeps up with about 300 KB/s: slower than the publisher, so its
            // outbound queue reaches the default 1 MiB cap, and too slow to drain a full
            // queue within a couple of seconds.
            CompletableFuture<RawWs.Frame> closed = CompletableFuture.supplyAsync(() -> {
                while (true) {
                    RawWs.Frame f = slow.readFrame();
                    if (f.opcode() == RawWs.CLOSE) {
                        return f;
                    }
                    LockSupport.parkNanos(50_000_000L * f.payload().length / (16 * 1024)); // pacing, by design
                }
            });
            String data = "\"" + "s".repeat(16 * 1024) + "\"";
            for (int i = 0; i < 2000 && !closed.isDone(); i++) {
                pub.send("{\"type\":\"publish\",\"channel\":\"feed\",\"requestId\":\"p" + i + "\",\"data\":" + data + "}");
                pub.expect("ack");
            }
            RawWs.Frame close = closed.get(60, TimeUnit.SECONDS);
            assertThat(close.closeCode()).isEqualTo(1008);
            assertThat(close.closeReason()).isEqualTo("slow consumer");
        }
    }

    /**
     * Sends 2,000 {@code ping} commands without reading their answers, so that the server's
     * answers wait in the sockets' buffers: the close that follows must wait its turn.
     */
    private static void backUpAnswers(RawWs raw) {
        for (int i = 0; i < 2_000; i++) {
            ping(raw);
        }
    }

    private static void ping(RawWs raw) {
        raw.sendText("{\"type\":\"ping\"}");
    }

    /** Opens a raw connection with a small receive buffer. */
    private static RawWs open(TestServer server) {
        RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK, 4096);
        assertThat(raw.readText()).contains("\"welcome\"");
        return raw;
    }

    private static final String LIMITS = "maxMessageSize: 1024\nmessageRate: 100000\nmessageBurst: 100000";

    /**
     * Runs {@code violation} behind answers that wait in the sockets, keeps sending {@code more}
     * for a while (about 300 ms) without reading, as a client busy writing does, then reads
     * everything; returns the close it finds.
     */
    private static RawWs.Frame closeWhileSending(TestServer server, java.util.function.Consumer<RawWs> violation,
                                                 java.util.function.Consumer<RawWs> more) {
        try (RawWs raw = open(server)) {
            backUpAnswers(raw);
            violation.accept(raw);
            for (int i = 0; i < 300; i++) {
                try {
                    more.accept(raw);
                } catch (IllegalStateException reset) {
                    break; // the server is gone: what reached this socket is still readable
                }
                LockSupport.parkNanos(1_000_000); // a client still busy writing, by design
            }
            return raw.awaitClose();
        }
    }

    @Test
    void invalidUtf8ClosesWith1007EvenWhileTheClientKeepsSending() throws Exception {
        try (TestServer server = TestServer.start(TestServer.singleApp("", LIMITS))) {
            RawWs.Frame close = closeWhileSending(server,
                    raw -> raw.sendFrame(RawWs.TEXT, new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}), CloseDeliveryIT::ping);
            assertThat(close.closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void anOversizeFrameClosesWith1009EvenWhileTheClientKeepsSending() throws Exception {
        try (TestServer server = TestServer.start(TestServer.singleApp("", LIMITS))) {
            byte[] big = new byte[64 * 1024];
            java.util.Arrays.fill(big, (byte) 'x');
            RawWs.Frame close = closeWhileSending(server, raw -> raw.sendFrame(RawWs.TEXT, big), CloseDeliveryIT::ping);
            assertThat(close.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void aFragmentedOversizeMessageClosesWith1009EvenWhileTheClientKeepsSending() throws Exception {
        try (TestServer server = TestServer.start(TestServer.singleApp("", LIMITS))) {
            byte[] part = new byte[1024];
            java.util.Arrays.fill(part, (byte) 'y');
            RawWs.Frame close = closeWhileSending(server, raw -> {
                raw.sendFrame(RawWs.TEXT, "{\"type\":\"ping\",\"x\":\"".getBytes(StandardCharsets.UTF_8), false);
                raw.sendFrame(RawWs.CONTINUATION, part, false);
                raw.sendFrame(RawWs.CONTINUATION, part, false);
            }, raw -> raw.sendFrame(RawWs.CONTINUATION, part, false));
            assertThat(close.closeCode()).isEqualTo(1009);
        }
    }
}

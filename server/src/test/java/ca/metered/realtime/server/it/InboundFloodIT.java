package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Every client frame counts against {@code messageRate} (docs/protocol.md 4 [ours]), control frames
 * and continuation fragments included, and what the server answers to them counts against the
 * outbound cap: a flood of any kind of frame costs the flooder its connection, not the server
 * its memory (issue 9, item 1).
 */
class InboundFloodIT {

    /** Sends {@code n} frames without reading, then reads until the server's close. */
    private static RawWs.Frame floodThenReadClose(TestServer server, Runnable sendOne, RawWs raw, int n) {
        for (int i = 0; i < n; i++) {
            try {
                sendOne.run();
            } catch (IllegalStateException closedMeanwhile) {
                break; // the server has closed; what it sent before is still readable
            }
        }
        return raw.awaitClose();
    }

    @Test
    void aPingFloodIsClosedWith4011() {
        try (TestServer server = TestServer.start();
             RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("\"welcome\"");
            RawWs.Frame close = floodThenReadClose(server, () -> raw.sendFrame(RawWs.PING, new byte[0]), raw, 2000);
            assertThat(close.closeCode()).isEqualTo(4011);
            assertThat(close.closeReason()).isEqualTo("message rate exceeded");
        }
    }

    @Test
    void anUnsolicitedPongFloodIsClosedWith4011() {
        try (TestServer server = TestServer.start();
             RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("\"welcome\"");
            RawWs.Frame close = floodThenReadClose(server, () -> raw.sendFrame(RawWs.PONG, new byte[] {1}), raw, 2000);
            assertThat(close.closeCode()).isEqualTo(4011);
        }
    }

    @Test
    void aFloodOfContinuationFragmentsIsClosedWith4011() {
        try (TestServer server = TestServer.start();
             RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("\"welcome\"");
            raw.sendFrame(RawWs.TEXT, "{\"type\":\"ping\"".getBytes(StandardCharsets.UTF_8), false);
            byte[] space = {' '};
            // 2,000 one-byte fragments stay far below maxMessageSize: only the frame count can stop them
            RawWs.Frame close = floodThenReadClose(server, () -> raw.sendFrame(RawWs.CONTINUATION, space, false), raw,
                    2000);
            assertThat(close.closeCode()).isEqualTo(4011);
        }
    }

    @Test
    void pongsToAClientThatDoesNotReadCountAgainstTheOutboundCap() {
        // A rate limit high enough that only the outbound cap can stop the flood.
        String yaml = TestServer.singleApp("outboundBufferBytes: 65536", "messageRate: 10000000\nmessageBurst: 10000000");
        try (TestServer server = TestServer.start(yaml);
             RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK, 4096)) {
            assertThat(raw.readText()).contains("\"welcome\"");
            // 50,000 pongs of 125 bytes (6.4 MB) are more than the kernel's socket buffers can hold
            // (4 MB at most for the server's send buffer here), so the rest waits in the server's
            // memory unless the cap stops it. The client reads nothing until the server has decided
            // the close: the pings can sit in the server's receive buffer, so a client that started
            // reading as soon as it had sent them could drain the pongs as fast as a quick server
            // answers them, and no cap would ever be reached.
            byte[] payload = new byte[125];
            for (int i = 0; i < 50_000; i++) {
                raw.sendFrame(RawWs.PING, payload);
            }
            MetricsIT.await("slow-consumer closes",
                    () -> MetricsIT.value(MetricsIT.scrape(server), "rms_slow_consumer_closes_total"), 1);
            RawWs.Frame close = raw.awaitClose();
            assertThat(close.closeCode()).isEqualTo(1008);
            assertThat(close.closeReason()).isEqualTo("slow consumer");
        }
    }
}

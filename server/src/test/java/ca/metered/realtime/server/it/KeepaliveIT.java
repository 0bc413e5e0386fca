package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 8: WebSocket pings, the ping timeout (1001 {@code ping timeout}), app-level ping. */
class KeepaliveIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestServer.singleApp("ping: {interval: 300ms, timeout: 200ms}", ""));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theServerPingsAndAClientThatAnswersPongsStaysOpenPastSeveralIntervals() {
        try (WsClient c = server.client()) {
            c.awaitPings(5); // ≥ 1.2 s: four full intervals, each longer than the timeout
            assertThat(c.isClosed()).isFalse();
            c.expectNothingPending();
        }
    }

    @Test
    void aClientThatAnswersNothingIsClosedWith1001PingTimeout() {
        try (RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("\"type\":\"welcome\"");
            long start = System.nanoTime();
            int pings = 0;
            RawWs.Frame f;
            while ((f = raw.readFrame()).opcode() != RawWs.CLOSE) {
                assertThat(f.opcode()).isEqualTo(RawWs.PING);
                pings++;
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(pings).isGreaterThanOrEqualTo(1);
            assertThat(f.closeCode()).isEqualTo(1001);
            assertThat(f.closeReason()).isEqualTo("ping timeout");
            assertThat(elapsedMs).isLessThan(5000);
            assertThat(raw.awaitEof()).isTrue();
        }
    }

    @Test
    void anyInboundFrameCountsAsAnAnswerToAPing() {
        // Answers every WebSocket ping with an application frame instead of a pong.
        try (RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("\"type\":\"welcome\"");
            int pings = 0;
            while (pings < 6) {
                RawWs.Frame f = raw.readFrame();
                assertThat(f.opcode()).as("frame %s", f.text()).isIn(RawWs.PING, RawWs.TEXT);
                if (f.opcode() == RawWs.PING) {
                    pings++;
                    raw.sendText("{\"type\":\"ping\"}");
                } else {
                    assertThat(f.text()).isEqualTo("{\"type\":\"pong\"}");
                }
            }
        }
    }

    @Test
    void aClientThatAnswersPongsByHandStaysOpen() {
        try (RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("\"type\":\"welcome\"");
            for (int pings = 0; pings < 6; ) {
                RawWs.Frame f = raw.readFrame();
                assertThat(f.opcode()).isEqualTo(RawWs.PING);
                raw.sendFrame(RawWs.PONG, f.payload());
                pings++;
            }
            raw.sendText("{\"type\":\"ping\"}");
            assertThat(raw.readText()).isEqualTo("{\"type\":\"pong\"}");
        }
    }
}

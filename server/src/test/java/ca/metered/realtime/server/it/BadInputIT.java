package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Hostile and sloppy input: the connection gets an error (or a close) and the server keeps serving. */
class BadInputIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** After every test, a fresh client still gets a full round trip. */
    @AfterEach
    void serverStillAnswersAFreshClient() {
        try (WsClient a = server.client(); WsClient b = server.client()) {
            a.subscribe("after-bad-input");
            b.subscribe("after-bad-input");
            a.expect("presence");
            b.sendJson("type", "publish", "channel", "after-bad-input", "data", "ok", "requestId", "ok");
            b.expect("ack");
            assertThat(a.expect("message").path("data").asText()).isEqualTo("ok");
        }
    }

    @Test
    void wrongTypesForEveryFieldOfEveryCommand() {
        String[][] cases = {
            // frame, expected code, expected requestId (null: uncorrelated)
            {"{\"type\":\"subscribe\",\"channel\":1,\"requestId\":\"a\"}", "invalid_channel", "a"},
            {"{\"type\":\"subscribe\",\"channel\":[\"x\"],\"requestId\":\"b\"}", "invalid_channel", "b"},
            {"{\"type\":\"subscribe\",\"channel\":{},\"requestId\":\"c\"}", "invalid_channel", "c"},
            {"{\"type\":\"subscribe\",\"channel\":true,\"requestId\":\"d\"}", "invalid_channel", "d"},
            {"{\"type\":\"subscribe\",\"channel\":\"x\",\"includeSenderMetadata\":\"yes\",\"requestId\":\"e\"}", "malformed_message", "e"},
            {"{\"type\":\"subscribe\",\"channel\":\"x\",\"includeSenderMetadata\":1,\"requestId\":\"f\"}", "malformed_message", "f"},
            {"{\"type\":\"subscribe\",\"channel\":\"x\",\"requestId\":7}", "malformed_message", null},
            {"{\"type\":\"unsubscribe\",\"channel\":1,\"requestId\":\"g\"}", "invalid_channel", "g"},
            {"{\"type\":\"unsubscribe\",\"requestId\":\"h\"}", "invalid_channel", "h"},
            {"{\"type\":\"unsubscribe\",\"channel\":\"x\",\"requestId\":false}", "malformed_message", null},
            {"{\"type\":\"publish\",\"channel\":1,\"data\":1,\"requestId\":\"i\"}", "invalid_channel", "i"},
            {"{\"type\":\"publish\",\"data\":1,\"requestId\":\"j\"}", "invalid_channel", "j"},
            {"{\"type\":\"publish\",\"channel\":\"x\",\"requestId\":\"k\"}", "missing_data", "k"},
            {"{\"type\":\"publish\",\"channel\":\"x\",\"data\":1,\"requestId\":[]}", "malformed_message", null},
            {"{\"type\":\"send\",\"to\":1,\"data\":1,\"requestId\":\"l\"}", "invalid_peer_id", "l"},
            {"{\"type\":\"send\",\"to\":{\"peerId\":\"x\"},\"data\":1,\"requestId\":\"m\"}", "invalid_peer_id", "m"},
            {"{\"type\":\"send\",\"to\":\"x\",\"requestId\":\"n\"}", "missing_data", "n"},
            {"{\"type\":\"send\",\"to\":\"x\",\"data\":1,\"requestId\":{}}", "malformed_message", null},
            {"{\"type\":true}", "malformed_message", null},
            {"{\"type\":\"ping\",\"requestId\":5}", "malformed_message", null},
        };
        try (WsClient c = server.client()) {
            for (String[] k : cases) {
                c.send(k[0]);
                JsonNode e = c.next();
                assertThat(e.path("type").asText()).as("answer to %s", k[0]).isEqualTo("error");
                assertThat(e.path("code").asText()).as("answer to %s", k[0]).isEqualTo(k[1]);
                if (k[2] == null) {
                    assertThat(e.has("requestId")).as("answer to %s", k[0]).isFalse();
                } else {
                    assertThat(e.path("requestId").asText()).as("answer to %s", k[0]).isEqualTo(k[2]);
                }
            }
            c.expectNothingPending();
        }
    }

    @Test
    void oversizeFieldsAreRejected() {
        try (WsClient c = server.client()) {
            c.sendJson("type", "subscribe", "channel", "c".repeat(10_000), "requestId", "c");
            c.expectError("invalid_channel", "c");
            c.sendJson("type", "send", "to", "p".repeat(10_000), "data", 1, "requestId", "p");
            c.expectError("invalid_peer_id", "p");
            c.sendJson("type", "ping", "requestId", "r".repeat(10_000));
            c.expectError("malformed_message", null);
            c.sendJson("type", "t".repeat(10_000), "requestId", "t");
            JsonNode e = c.expectError("unknown_type", "t");
            assertThat(e.path("message").asText().length()).isLessThan(200); // not echoed in full
            c.expectNothingPending();
        }
    }

    @Test
    void binaryFramesAreMalformedAndTheConnectionStaysOpen() {
        try (WsClient c = server.client()) {
            c.sendBinary("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            c.expectError("malformed_message", null);
            c.sendBinary(new byte[] {0, 1, 2, (byte) 0xff});
            c.expectError("malformed_message", null);
            c.expectNothingPending();
        }
    }

    @Test
    void aTextFrameWithInvalidUtf8IsClosedWith1007() {
        try (RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("welcome");
            byte[] bad = "{\"type\":\"ping\",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1); // lone 0xFF
            raw.sendFrame(RawWs.TEXT, bad);
            RawWs.Frame close = raw.awaitClose();
            assertThat(close.closeCode()).isEqualTo(1007);
            assertThat(raw.awaitEof()).isTrue();
        }
    }

    @Test
    void anUnmaskedClientFrameIsAProtocolErrorClose() {
        try (RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("welcome");
            byte[] ping = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[ping.length + 2];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) ping.length; // no mask bit
            System.arraycopy(ping, 0, frame, 2, ping.length);
            try {
                raw.socket().getOutputStream().write(frame);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            assertThat(raw.awaitClose().closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void garbageInsteadOfAWebSocketFrameClosesOnlyThatConnection() {
        try (RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("welcome");
            try {
                // reserved opcode 0x3 with RSV bits set
                raw.socket().getOutputStream().write(new byte[] {(byte) 0xF3, (byte) 0x80, 1, 2, 3, 4});
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            assertThat(raw.awaitClose().closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void aCommandFloodIsClosedWith4011WhileOthersAreServed() {
        try (WsClient flooder = server.client(); WsClient other = server.client()) {
            for (int i = 0; i < 1000 && !flooder.isClosed(); i++) {
                try {
                    flooder.send("{\"type\":\"publish\",\"channel\":\"flood\",\"data\":" + i + "}");
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            assertThat(flooder.awaitClose().code()).isEqualTo(4011);
            other.expectNothingPending();
        }
    }

    @Test
    void aMalformedFloodIsAlsoRateLimited() {
        try (WsClient flooder = server.client()) {
            for (int i = 0; i < 1000 && !flooder.isClosed(); i++) {
                try {
                    flooder.send("garbage " + i);
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            assertThat(flooder.awaitClose().code()).isEqualTo(4011);
        }
    }

    @Test
    void deeplyNestedJsonIsRejectedWithoutHarmAndModerateNestingPassesThrough() {
        try (WsClient a = server.client(); WsClient b = server.client()) {
            a.subscribe("nest");
            b.subscribe("nest");
            a.expect("presence");
            String deep = "[".repeat(30_000) + "]".repeat(30_000);
            b.send("{\"type\":\"publish\",\"channel\":\"nest\",\"requestId\":\"deep\",\"data\":" + deep + "}");
            // the frame as a whole is not acceptable JSON for the server; which code it picks is
            // less important than the connection surviving and nothing being delivered
            JsonNode e = b.expect("error");
            assertThat(e.path("code").asText()).isEqualTo("malformed_message");
            String deepObj = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
            b.send("{\"type\":\"publish\",\"channel\":\"nest\",\"data\":" + deepObj + "}");
            assertThat(b.expect("error").path("code").asText()).isEqualTo("malformed_message");
            a.expectNothingPending();
            String moderate = "[".repeat(100) + "1" + "]".repeat(100);
            b.send("{\"type\":\"publish\",\"channel\":\"nest\",\"requestId\":\"ok\",\"data\":" + moderate + "}");
            b.expect("ack");
            a.expect("message");
            assertThat(FramesIT.rawField(a.lastRaw(), "data")).isEqualTo(moderate);
        }
    }

    @Test
    void hugeStringsAndNumbersInDataPassThroughUntouched() {
        try (WsClient a = server.client(); WsClient b = server.client()) {
            a.subscribe("num");
            b.subscribe("num");
            a.expect("presence");
            String data = "[" + "9".repeat(1000) + ",1e-99999,\"\\u0000\\\\\\\"\"]";
            b.send("{\"type\":\"publish\",\"channel\":\"num\",\"data\":" + data + "}");
            a.expect("message");
            assertThat(FramesIT.rawField(a.lastRaw(), "data")).isEqualTo(data);
        }
    }

    @Test
    void duplicateKeysUseTheLastValueAndDoNotConfuseTheServer() {
        try (WsClient a = server.client(); WsClient b = server.client()) {
            a.subscribe("dup-key");
            b.send("{\"type\":\"publish\",\"channel\":\"elsewhere\",\"channel\":\"dup-key\",\"data\":1,\"data\":2}");
            JsonNode m = a.expect("message");
            assertThat(m.path("channel").asText()).isEqualTo("dup-key");
            assertThat(FramesIT.rawField(a.lastRaw(), "data")).isEqualTo("2");
        }
    }
}

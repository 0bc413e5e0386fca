package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 1 and 2: welcome, ack/error correlation, ping/pong, extra fields, data pass-through. */
class FramesIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void welcomeIsTheFirstFrameWithAFreshUuidPeerIdAndTheDefaultLimits() {
        long before = Instant.now().getEpochSecond();
        try (WsClient c = WsClient.connect(server.keyUri(TestServer.PK))) {
            JsonNode w = c.next();
            long after = Instant.now().getEpochSecond();
            assertThat(w.path("type").asText()).isEqualTo("welcome");
            String peerId = w.path("peerId").asText();
            assertThat(UUID.fromString(peerId).toString()).isEqualTo(peerId.toLowerCase());
            assertThat(w.path("serverTime").isNumber()).isTrue();
            assertThat(w.path("serverTime").asLong()).isBetween(before - 1, after + 1);
            assertThat(w.has("expiresAt")).isTrue();
            assertThat(w.path("expiresAt").isNull()).isTrue();
            assertThat(w.path("maxMessageSize").asInt()).isEqualTo(65536);
            assertThat(w.has("metadata")).isFalse();
            c.expectNothingPending();
        }
    }

    @Test
    void everyPublishableKeyConnectionGetsADifferentPeerId() {
        try (WsClient a = WsClient.connect(server.keyUri(TestServer.PK));
             WsClient b = WsClient.connect(server.keyUri(TestServer.PK))) {
            assertThat(a.expect("welcome").path("peerId").asText())
                    .isNotEqualTo(b.expect("welcome").path("peerId").asText());
        }
    }

    @Test
    void welcomeCarriesTheJwtMetadataVerbatimAndItsExpiry() {
        String token = server.token("meta-peer", "\"metadata\":{\"iceServers\":[{\"urls\":\"stun:x\"}],\"z\":1,\"a\":2},"
                + "\"expiresInSec\":600");
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            JsonNode w = c.expect("welcome");
            assertThat(w.path("peerId").asText()).isEqualTo("meta-peer");
            assertThat(c.lastRaw()).contains("\"metadata\":{\"iceServers\":[{\"urls\":\"stun:x\"}],\"z\":1,\"a\":2}");
            assertThat(w.path("expiresAt").asLong()).isBetween(Instant.now().getEpochSecond() + 590,
                    Instant.now().getEpochSecond() + 610);
        }
    }

    @Test
    void everyCommandWithARequestIdIsAnsweredExactlyOnceWithThatRequestId() {
        try (WsClient c = server.client(); WsClient other = server.client()) {
            c.sendJson("type", "subscribe", "channel", "frames-1", "requestId", "r-sub");
            assertThat(c.expect("ack").path("requestId").asText()).isEqualTo("r-sub");
            c.expect("presence");
            c.sendJson("type", "publish", "channel", "frames-1", "data", 1, "requestId", "r-pub");
            assertThat(c.expect("ack").path("requestId").asText()).isEqualTo("r-pub");
            c.sendJson("type", "unsubscribe", "channel", "frames-1", "requestId", "r-unsub");
            assertThat(c.expect("ack").path("requestId").asText()).isEqualTo("r-unsub");
            c.sendJson("type", "send", "to", "nobody-here", "data", 1, "requestId", "r-send");
            c.expectError("peer_not_found", "r-send");
            c.sendJson("type", "publish", "channel", "_system/x", "data", 1, "requestId", "r-err");
            c.expectError("channel_reserved", "r-err");
            c.expectNothingPending();
            other.expectNothingPending();
        }
    }

    @Test
    void successWithoutARequestIdIsSilentAndFailuresAreUncorrelated() {
        try (WsClient c = server.client()) {
            c.sendJson("type", "subscribe", "channel", "frames-2");
            JsonNode snap = c.expect("presence"); // no ack: straight to the snapshot
            assertThat(snap.path("channel").asText()).isEqualTo("frames-2");
            c.sendJson("type", "publish", "channel", "frames-2", "data", "x");
            c.sendJson("type", "unsubscribe", "channel", "frames-2");
            c.sendJson("type", "unsubscribe", "channel", "never-subscribed");
            c.expectNothingPending();
            c.sendJson("type", "publish", "channel", "_metered/x", "data", "x");
            c.expectError("channel_reserved", null);
            c.expectNothingPending();
        }
    }

    @Test
    void applicationPingIsAnsweredWithABarePong() {
        try (WsClient c = server.client()) {
            c.send("{\"type\":\"ping\"}");
            JsonNode pong = c.expect("pong");
            assertThat(c.lastRaw()).isEqualTo("{\"type\":\"pong\"}");
            assertThat(pong.size()).isEqualTo(1);
            c.send("{\"type\":\"ping\",\"requestId\":\"p\"}");
            c.expect("pong"); // ping takes no requestId: no ack beside the pong
            c.expectNothingPending();
        }
    }

    @Test
    void unknownExtraFieldsAreIgnored() {
        try (WsClient a = server.client(); WsClient b = server.client()) {
            a.send("{\"type\":\"subscribe\",\"channel\":\"frames-3\",\"requestId\":\"s\",\"future\":{\"x\":[1,2]},\"v\":2}");
            assertThat(a.expect("ack").path("requestId").asText()).isEqualTo("s");
            a.expect("presence");
            b.send("{\"extra\":true,\"type\":\"publish\",\"data\":{\"k\":1},\"channel\":\"frames-3\",\"requestId\":\"p\",\"from\":\"forged\"}");
            assertThat(b.expect("ack").path("requestId").asText()).isEqualTo("p");
            JsonNode m = a.skipUntil("message");
            assertThat(m.path("from").asText()).isNotEqualTo("forged");
            b.send("{\"type\":\"ping\",\"whatever\":[]}");
            b.expect("pong");
        }
    }

    @Test
    void fromIsServerStampedAndCannotBeForged() {
        try (WsClient a = server.client(); WsClient b = WsClient.connect(server.keyUri(TestServer.PK))) {
            String bId = b.expect("welcome").path("peerId").asText();
            a.subscribe("frames-4");
            b.subscribe("frames-4");
            a.expect("presence");
            b.send("{\"type\":\"publish\",\"channel\":\"frames-4\",\"from\":\"admin\",\"data\":1}");
            assertThat(a.expect("message").path("from").asText()).isEqualTo(bId);
        }
    }

    @Test
    void dataIsPassedThroughByteForByte() {
        String[] payloads = {
            "{\"z\":1,\"a\":2,\"m\":{\"y\":[3,2,1],\"b\":null}}",
            "12345678901234567890",
            "1.50",
            "-0.0",
            "1e400",
            "\"h\\u00e9llo \\ud83d\\ude00 \u00e9\u4e2d\"",
            "[1,\"two\",{\"3\":[true,false,null]},[[[]]],{}]",
            "{ \"spaced\" :  [ 1 , 2 ] }",
            "null",
            "\"\"",
        };
        try (WsClient a = server.client(); WsClient b = server.client()) {
            a.subscribe("frames-5");
            b.subscribe("frames-5");
            a.expect("presence");
            for (String data : payloads) {
                b.send("{\"type\":\"publish\",\"channel\":\"frames-5\",\"data\":" + data + "}");
                a.expect("message");
                assertThat(rawField(a.lastRaw(), "data")).as("data %s", data).isEqualTo(data);
            }
        }
    }

    @Test
    void directDataIsPassedThroughByteForByte() {
        try (WsClient a = WsClient.connect(server.keyUri(TestServer.PK)); WsClient b = server.client()) {
            String aId = a.expect("welcome").path("peerId").asText();
            String data = "{\"sdp\":\"v=0\\r\\n\",\"n\":12345678901234567890,\"f\":1.50,\"k\":{\"b\":1,\"a\":0}}";
            b.send("{\"type\":\"send\",\"to\":\"" + aId + "\",\"data\":" + data + "}");
            a.expect("direct");
            assertThat(rawField(a.lastRaw(), "data")).isEqualTo(data);
        }
    }

    /**
     * The exact text of a top-level field value in a server frame. Server frames put {@code data}
     * after {@code from}, so the value starts right after {@code "name":} and ends where the JSON
     * value ends; we find the end by scanning with a small JSON tokenizer.
     */
    static String rawField(String frame, String name) {
        String marker = "\"" + name + "\":";
        int start = frame.indexOf(marker);
        assertThat(start).as("field %s in %s", name, frame).isGreaterThanOrEqualTo(0);
        start += marker.length();
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < frame.length(); i++) {
            char c = frame.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return frame.substring(start, i + 1);
                    }
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return frame.substring(start, i);
                }
                depth--;
                if (depth == 0) {
                    return frame.substring(start, i + 1);
                }
            } else if (c == ',' && depth == 0) {
                return frame.substring(start, i);
            }
        }
        throw new AssertionError("unterminated value in " + frame);
    }
}

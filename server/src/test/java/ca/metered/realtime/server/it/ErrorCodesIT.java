package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md 3: every error code reachable on one node, each leaving the connection open
 * (checked with a ping/pong round trip after every error).
 */
class ErrorCodesIT {
    static TestServer server;
    static TestServer quota;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        quota = TestServer.start(TestServer.singleApp("", "maxMessagesPerPeriod: 3"));
    }

    @AfterAll
    static void stop() {
        server.close();
        quota.close();
    }

    private static void expectErrorAndStillOpen(WsClient c, String code, String rid) {
        c.expectError(code, rid);
        c.expectNothingPending();
        assertThat(c.isClosed()).isFalse();
    }

    @Test
    void malformedMessageForNonJsonNonObjectsAndMissingOrNonStringType() {
        try (WsClient c = server.client()) {
            for (String bad : new String[] {
                "not json", "{", "{\"type\":\"ping\"", "[]", "[{\"type\":\"ping\"}]", "42", "\"ping\"", "null", "",
                "{}", "{\"requestId\":\"r\"}", "{\"type\":42}", "{\"type\":null}", "{\"type\":{\"x\":1}}",
                "{\"type\":[\"ping\"]}", "{\"type\":\"ping\"} trailing", "{\"type\":\"ping\"}{\"type\":\"ping\"}",
            }) {
                c.send(bad);
                assertThat(c.next().path("code").asText()).as("answer to %s", bad).isEqualTo("malformed_message");
                assertThat(c.lastRaw()).startsWith("{\"type\":\"error\"");
            }
            c.expectNothingPending();
        }
    }

    @Test
    void malformedMessageForAMissingTypeIsCorrelatedWhenTheRequestIdIsValid() {
        try (WsClient c = server.client()) {
            c.send("{\"requestId\":\"r1\",\"channel\":\"x\"}");
            expectErrorAndStillOpen(c, "malformed_message", "r1");
            c.send("{\"type\":7,\"requestId\":\"r2\"}");
            expectErrorAndStillOpen(c, "malformed_message", "r2");
        }
    }

    @Test
    void anInvalidRequestIdIsAnUncorrelatedMalformedMessage() {
        try (WsClient c = server.client()) {
            for (String rid : new String[] {"\"\"", "42", "true", "{}", "[\"a\"]", "\"" + "r".repeat(129) + "\""}) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"ok\",\"requestId\":" + rid + "}");
                c.expectError("malformed_message", null);
            }
            c.expectNothingPending(); // and nothing was subscribed
            c.sendJson("type", "subscribe", "channel", "ok", "requestId", "r".repeat(128));
            assertThat(c.expect("ack").path("requestId").asText()).hasSize(128);
            c.expect("presence");
        }
    }

    @Test
    void unknownTypeIsCorrelated() {
        try (WsClient c = server.client()) {
            // ("history" is a command now: docs/protocol.md 9)
            c.sendJson("type", "replay", "channel", "x", "requestId", "u1");
            expectErrorAndStillOpen(c, "unknown_type", "u1");
            c.sendJson("type", "Subscribe", "channel", "x");
            expectErrorAndStillOpen(c, "unknown_type", null);
            c.sendJson("type", "", "requestId", "u2");
            expectErrorAndStillOpen(c, "unknown_type", "u2");
        }
    }

    @Test
    void invalidChannelForMissingEmptyTooLongAndControlCharacters() {
        try (WsClient c = server.client()) {
            c.send("{\"type\":\"subscribe\",\"requestId\":\"missing\"}");
            expectErrorAndStillOpen(c, "invalid_channel", "missing");
            c.send("{\"type\":\"subscribe\",\"channel\":42,\"requestId\":\"number\"}");
            expectErrorAndStillOpen(c, "invalid_channel", "number");
            c.sendJson("type", "subscribe", "channel", "", "requestId", "empty");
            expectErrorAndStillOpen(c, "invalid_channel", "empty");
            c.sendJson("type", "subscribe", "channel", "a".repeat(257), "requestId", "257");
            expectErrorAndStillOpen(c, "invalid_channel", "257");
            // 256 bytes made of 2-byte characters: 128 chars; one more is 258 bytes
            c.sendJson("type", "publish", "channel", "\u00e9".repeat(129), "data", 1, "requestId", "258b");
            expectErrorAndStillOpen(c, "invalid_channel", "258b");
            c.sendJson("type", "publish", "channel", "\u00e9".repeat(128), "data", 1, "requestId", "256b");
            assertThat(c.expect("ack").path("requestId").asText()).isEqualTo("256b");
            c.sendJson("type", "subscribe", "channel", "a".repeat(256), "requestId", "256");
            c.expect("ack");
            c.expect("presence");
            int i = 0;
            for (String ctl : new String[] {"\u0000", "\u0001", "\n", "\u001f", "\u007f", "\u0080", "\u0085", "\u009f"}) {
                String rid = "ctl" + i++;
                c.sendJson("type", "subscribe", "channel", "room" + ctl + "x", "requestId", rid);
                expectErrorAndStillOpen(c, "invalid_channel", rid);
            }
            c.sendJson("type", "unsubscribe", "channel", "", "requestId", "unsub");
            expectErrorAndStillOpen(c, "invalid_channel", "unsub");
            c.sendJson("type", "publish", "channel", "bad\u0085", "data", 1, "requestId", "pub");
            expectErrorAndStillOpen(c, "invalid_channel", "pub");
            // U+00A0 and beyond are not control characters
            c.sendJson("type", "publish", "channel", "nbsp\u00a0\u4e2d", "data", 1, "requestId", "fine");
            assertThat(c.expect("ack").path("requestId").asText()).isEqualTo("fine");
        }
    }

    @Test
    void invalidPeerId() {
        try (WsClient c = server.client()) {
            c.sendJson("type", "send", "to", "\u00e9", "data", 1, "requestId", "p");
            expectErrorAndStillOpen(c, "invalid_peer_id", "p");
        }
    }

    @Test
    void missingDataForPublishAndSend() {
        try (WsClient c = server.client()) {
            c.sendJson("type", "publish", "channel", "x", "requestId", "p");
            expectErrorAndStillOpen(c, "missing_data", "p");
            c.sendJson("type", "send", "to", "someone", "requestId", "s");
            expectErrorAndStillOpen(c, "missing_data", "s");
            // an explicit null is data
            c.send("{\"type\":\"publish\",\"channel\":\"x\",\"data\":null,\"requestId\":\"n\"}");
            assertThat(c.expect("ack").path("requestId").asText()).isEqualTo("n");
        }
    }

    @Test
    void channelNotAuthorizedForSubscribeAndPublishOutsideThePatterns() {
        try (WsClient c = server.client("pk_live_narrow")) {
            c.sendJson("type", "subscribe", "channel", "lobby", "requestId", "s");
            expectErrorAndStillOpen(c, "channel_not_authorized", "s");
            c.sendJson("type", "publish", "channel", "lobby", "data", 1, "requestId", "p");
            expectErrorAndStillOpen(c, "channel_not_authorized", "p");
            c.sendJson("type", "subscribe", "channel", "Room-1", "requestId", "case");
            expectErrorAndStillOpen(c, "channel_not_authorized", "case");
            c.subscribe("room-1");
        }
    }

    @Test
    void channelReservedForEveryReservedPrefixInAnyCase() {
        try (WsClient c = server.client()) {
            int i = 0;
            for (String ch : new String[] {"_metered/x", "_INTERNAL/x", "_system/x", "_Metered/", "_SYSTEM/a/b"}) {
                String rid = "r" + i++;
                c.sendJson("type", "subscribe", "channel", ch, "requestId", rid);
                expectErrorAndStillOpen(c, "channel_reserved", rid);
                c.sendJson("type", "publish", "channel", ch, "data", 1, "requestId", rid + "p");
                expectErrorAndStillOpen(c, "channel_reserved", rid + "p");
            }
            c.sendJson("type", "subscribe", "channel", "_metered/*", "requestId", "glob");
            expectErrorAndStillOpen(c, "channel_reserved", "glob");
            // not a reserved prefix: no slash, or a different name
            c.subscribe("_metered");
            c.subscribe("_systems/x");
        }
    }

    @Test
    void channelLimitExceededOnThe101stSubscription() {
        try (WsClient c = server.client()) {
            for (int i = 0; i < 100; i++) {
                c.subscribe("lim-" + i);
            }
            c.sendJson("type", "subscribe", "channel", "lim-100", "requestId", "over");
            expectErrorAndStillOpen(c, "channel_limit_exceeded", "over");
            c.sendJson("type", "subscribe", "channel", "lim/*", "requestId", "overglob");
            expectErrorAndStillOpen(c, "channel_limit_exceeded", "overglob");
            // re-subscribing to one it has is not a new subscription
            c.subscribe("lim-7");
            // freeing one makes room again
            c.sendJson("type", "unsubscribe", "channel", "lim-0", "requestId", "u");
            c.expect("ack");
            c.subscribe("lim-100");
        }
    }

    @Test
    void actionNotPermittedWhenTheCredentialLacksTheAction() {
        String subscribeOnly = server.token("sub-only", "\"permissions\":[\"subscribe\"]");
        String publishOnly = server.token("pub-only", "\"permissions\":[\"publish\"]");
        try (WsClient s = server.tokenClient(subscribeOnly); WsClient p = server.tokenClient(publishOnly)) {
            s.sendJson("type", "publish", "channel", "room-1", "data", 1, "requestId", "p");
            expectErrorAndStillOpen(s, "action_not_permitted", "p");
            s.sendJson("type", "send", "to", "pub-only", "data", 1, "requestId", "d");
            expectErrorAndStillOpen(s, "action_not_permitted", "d");
            p.sendJson("type", "subscribe", "channel", "room-1", "requestId", "s");
            expectErrorAndStillOpen(p, "action_not_permitted", "s");
            p.sendJson("type", "subscribe", "channel", "room-*", "requestId", "g");
            expectErrorAndStillOpen(p, "action_not_permitted", "g");
            s.subscribe("room-1");
        }
    }

    @Test
    void peerNotFound() {
        try (WsClient c = server.client()) {
            c.sendJson("type", "send", "to", "nobody", "data", 1, "requestId", "n");
            expectErrorAndStillOpen(c, "peer_not_found", "n");
        }
    }

    @Test
    void overMessageQuotaForPublishAndSendWhileInboundDeliveryContinues() {
        try (WsClient a = WsClient.connect(quota.keyUri(TestServer.PK)); WsClient b = quota.client()) {
            String aId = a.expect("welcome").path("peerId").asText();
            a.subscribe("q");
            b.subscribe("q");
            a.expect("presence");
            for (int i = 0; i < 3; i++) {
                b.sendJson("type", "publish", "channel", "q", "data", i, "requestId", "ok" + i);
                assertThat(b.expect("ack").path("requestId").asText()).isEqualTo("ok" + i);
                assertThat(a.expect("message").path("data").asInt()).isEqualTo(i);
            }
            b.sendJson("type", "publish", "channel", "q", "data", 3, "requestId", "over");
            expectErrorAndStillOpen(b, "over_message_quota", "over");
            b.sendJson("type", "send", "to", aId, "data", 3, "requestId", "overd");
            expectErrorAndStillOpen(b, "over_message_quota", "overd");
            a.expectNothingPending();
            // presence is inbound delivery too, and subscribing is not a message
            try (WsClient c = quota.client()) {
                c.subscribe("q");
                assertThat(a.expect("presence").path("joined").size()).isEqualTo(1);
                assertThat(b.expect("presence").path("joined").size()).isEqualTo(1);
            }
        }
    }
}

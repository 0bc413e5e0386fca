package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 4 and 5: limits on the WebSocket path and the close codes they produce. */
class LimitsIT {

    @Test
    void aFrameOverMaxMessageSizePlusTheEnvelopeHeadroomIsClosedWith1009() {
        try (TestServer server = TestServer.start(); WsClient c = server.client()) {
            String envelope = "{\"type\":\"publish\",\"channel\":\"big\",\"data\":\"\"}";
            c.send(envelope.replace("\"\"", "\"" + "x".repeat(65536 + 1024 + 1 - envelope.length()) + "\""));
            WsClient.Close close = c.awaitClose();
            assertThat(close.code()).isEqualTo(1009);
            try (WsClient fresh = server.client()) {
                fresh.expectNothingPending();
            }
        }
    }

    @Test
    void aFragmentedMessageOverTheLimitIsClosedWith1009() {
        try (TestServer server = TestServer.start(); WsClient c = server.client()) {
            c.sendPart("{\"type\":\"publish\",\"channel\":\"big\",\"data\":\"", false);
            // The server closes as soon as the parts exceed the limit, possibly before the client
            // has sent them all: the sends after its close are refused, which is not the failure.
            boolean sending = true;
            for (int i = 0; i < 5 && sending; i++) {
                sending = c.trySendPart("y".repeat(16 * 1024), false);
            }
            if (sending) {
                c.trySendPart("\"}", true);
            }
            assertThat(c.awaitClose().code()).isEqualTo(1009);
        }
    }

    @Test
    void aPayloadOfExactlyMaxMessageSizeWithItsEnvelopeIsAccepted() {
        try (TestServer server = TestServer.start(); WsClient sub = server.client(); WsClient pub = server.client()) {
            sub.subscribe("big");
            String payload = "\"" + "z".repeat(65536 - 2) + "\""; // 65536 bytes of JSON
            pub.send("{\"type\":\"publish\",\"channel\":\"big\",\"requestId\":\"r-" + "q".repeat(100) + "\",\"data\":"
                    + payload + "}");
            assertThat(pub.expect("ack").path("requestId").asText()).startsWith("r-");
            sub.expect("message");
            assertThat(FramesIT.rawField(sub.lastRaw(), "data")).isEqualTo(payload);
            // and the same payload arriving in fragments is aggregated into one message
            pub.sendPart("{\"type\":\"publish\",\"channel\":\"big\",\"data\":" + payload.substring(0, 30000), false);
            pub.sendPart(payload.substring(30000), false);
            pub.sendPart("}", true);
            sub.expect("message");
            assertThat(FramesIT.rawField(sub.lastRaw(), "data")).isEqualTo(payload);
            pub.expectNothingPending();
        }
    }

    @Test
    void maxMessageSizeIsPerAppAndAnnouncedInWelcome() {
        try (TestServer server = TestServer.start(TestServer.singleApp("", "maxMessageSize: 2048"))) {
            WsClient c = WsClient.connect(server.keyUri(TestServer.PK));
            assertThat(c.expect("welcome").path("maxMessageSize").asInt()).isEqualTo(2048);
            String ok = "{\"type\":\"publish\",\"channel\":\"c\",\"requestId\":\"ok\",\"data\":\"" + "a".repeat(2048 + 900) + "\"}";
            c.send(ok); // within the 1 KiB headroom
            c.expect("ack");
            c.send("{\"type\":\"publish\",\"channel\":\"c\",\"data\":\"" + "a".repeat(2048 + 1024) + "\"}");
            assertThat(c.awaitClose().code()).isEqualTo(1009);
        }
    }

    @Test
    void theSubscriptionLimitIsConfigurablePerApp() {
        try (TestServer server = TestServer.start(TestServer.singleApp("", "maxChannelsPerConnection: 3"));
             WsClient c = server.client()) {
            c.subscribe("a");
            c.subscribe("b/*");
            c.subscribe("c");
            c.sendJson("type", "subscribe", "channel", "d", "requestId", "d");
            c.expectError("channel_limit_exceeded", "d");
            c.expectNothingPending();
        }
    }

    @Test
    void aBurstOverMessageBurstIsClosedWith4011AndOthersAreStillServed() {
        try (TestServer server = TestServer.start(TestServer.singleApp("", "messageRate: 5\nmessageBurst: 10"));
             WsClient flooder = server.client(); WsClient bystander = server.client()) {
            for (int i = 0; i < 40 && !flooder.isClosed(); i++) {
                try {
                    flooder.send("{\"type\":\"ping\"}");
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            WsClient.Close close = flooder.awaitClose();
            assertThat(close.code()).isEqualTo(4011);
            List<JsonNode> before = flooder.drainFrames();
            assertThat(before).allSatisfy(f -> assertThat(f.path("type").asText()).isEqualTo("pong"));
            int pongs = before.size();
            assertThat(pongs).isBetween(10, 39);
            bystander.expectNothingPending();
        }
    }

    @Test
    void maxConcurrentConnectionsClosesTheExtraConnectionWith4010BeforeWelcome() {
        try (TestServer server = TestServer.start(TestServer.singleApp("", "maxConcurrentConnections: 2"))) {
            WsClient a = server.client();
            WsClient b = server.client();
            WsClient c = WsClient.connect(server.keyUri(TestServer.PK));
            WsClient.Close close = c.awaitClose();
            assertThat(close.code()).isEqualTo(4010);
            assertThat(c.drainFrames()).isEmpty(); // no welcome, nothing
            a.closeWith(1000);
            server.awaitSessionCount(1);
            try (WsClient d = server.client()) {
                d.expectNothingPending();
                WsClient e = WsClient.connect(server.keyUri(TestServer.PK));
                assertThat(e.awaitClose().code()).isEqualTo(4010);
            }
            b.close();
        }
    }

    @Test
    void aSuspendedAppIsClosedWith4012BeforeWelcome() {
        try (TestServer server = TestServer.start()) {
            WsClient c = WsClient.connect(server.keyUri("pk_live_off"));
            assertThat(c.awaitClose().code()).isEqualTo(4012);
            assertThat(c.drainFrames()).isEmpty();
        }
    }

    @Test
    void anUnknownKeyAndNeitherOrBothCredentialsAreClosedWith4001BeforeWelcome() {
        try (TestServer server = TestServer.start()) {
            String token = server.token("both", "");
            for (String query : new String[] {"key=pk_live_nope", null, "foo=bar",
                    "key=pk_live_demo&token=" + token}) {
                WsClient c = WsClient.connect(server.wsUri(query));
                assertThat(c.awaitClose().code()).as("query %s", query).isEqualTo(4001);
                assertThat(c.drainFrames()).isEmpty();
            }
        }
    }

    @Test
    void aClientCloseIsEchoedWithItsCode() {
        try (TestServer server = TestServer.start(); WsClient c = server.client()) {
            assertThat(c.closeWith(1000).code()).isEqualTo(1000);
            server.awaitSessionCount(0);
        }
    }

    @Test
    void connectAttemptsPerForwardedAddressAreLimitedWith429BeforeTheUpgrade() {
        try (TestServer server = TestServer.start(TestServer.singleApp("connectRate: {perIp: 3, window: 60s}", ""))) {
            List<WsClient> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                open.add(WsClient.connect(server.keyUri(TestServer.PK), Map.of("X-Forwarded-For", "203.0.113.7")));
                open.get(i).expect("welcome");
            }
            WsClient.Refused refused = WsClient.refused(server.keyUri(TestServer.PK),
                    Map.of("X-Forwarded-For", "203.0.113.7"));
            assertThat(refused.status()).isEqualTo(429);
            // the last hop is the client address a trusted proxy appends
            WsClient.Refused viaChain = WsClient.refused(server.keyUri(TestServer.PK),
                    Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.7"));
            assertThat(viaChain.status()).isEqualTo(429);
            // another forwarded address is not affected
            try (WsClient other = WsClient.connect(server.keyUri(TestServer.PK), Map.of("X-Forwarded-For", "203.0.113.8"))) {
                other.expect("welcome");
            }
            // loopback without X-Forwarded-For is a trusted proxy's own request: not limited
            for (int i = 0; i < 10; i++) {
                try (WsClient local = server.client()) {
                    local.expectNothingPending();
                }
            }
            // refused attempts count too, even with an invalid key (checked before auth)
            WsClient.Refused beforeAuth = WsClient.refused(server.keyUri("pk_live_nope"),
                    Map.of("X-Forwarded-For", "203.0.113.7"));
            assertThat(beforeAuth.status()).isEqualTo(429);
            open.forEach(WsClient::close);
        }
    }
}

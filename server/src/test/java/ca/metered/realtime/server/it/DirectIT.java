package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 2.5: direct messages. */
class DirectIT {
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
    void sendReachesEveryConnectionOfTheTargetPeer() {
        String token = server.token("bob", "");
        try (WsClient bob1 = server.tokenClient(token); WsClient bob2 = server.tokenClient(token);
             WsClient alice = WsClient.connect(server.keyUri(TestServer.PK))) {
            String aliceId = alice.expect("welcome").path("peerId").asText();
            alice.sendJson("type", "send", "to", "bob", "data", java.util.Map.of("t", "hi"), "requestId", "d1");
            assertThat(alice.expect("ack").path("requestId").asText()).isEqualTo("d1");
            for (WsClient bob : new WsClient[] {bob1, bob2}) {
                JsonNode d = bob.expect("direct");
                assertThat(d.path("from").asText()).isEqualTo(aliceId);
                assertThat(d.path("data").path("t").asText()).isEqualTo("hi");
                assertThat(d.has("fromMetadata")).isFalse(); // pk peers have none
                assertThat(d.has("channel")).isFalse();
                bob.expectNothingPending();
            }
            alice.expectNothingPending();
        }
    }

    @Test
    void directCarriesTheSendersPeerMetadataAlways() {
        String sender = server.token("meta-sender", "\"peerMetadata\":{\"role\":\"host\",\"n\":[1]}");
        try (WsClient target = WsClient.connect(server.keyUri(TestServer.PK)); WsClient s = server.tokenClient(sender)) {
            String targetId = target.expect("welcome").path("peerId").asText();
            s.sendJson("type", "send", "to", targetId, "data", 1);
            target.expect("direct");
            assertThat(target.lastRaw()).isEqualTo(
                    "{\"type\":\"direct\",\"from\":\"meta-sender\",\"data\":1,\"fromMetadata\":{\"role\":\"host\",\"n\":[1]}}");
        }
    }

    @Test
    void sendToAnOfflinePeerIsPeerNotFound() {
        try (WsClient c = server.client()) {
            c.sendJson("type", "send", "to", "ghost", "data", 1, "requestId", "x");
            c.expectError("peer_not_found", "x");
            c.sendJson("type", "send", "to", "ghost", "data", 1);
            c.expectError("peer_not_found", null);
        }
        // a peer that disconnected is no longer found
        String token = server.token("gone-soon", "");
        WsClient gone = server.tokenClient(token);
        gone.closeWith(1000);
        server.awaitSessionCount(0);
        try (WsClient c = server.client()) {
            c.sendJson("type", "send", "to", "gone-soon", "data", 1, "requestId", "y");
            c.expectError("peer_not_found", "y");
        }
    }

    @Test
    void invalidTargetsAreInvalidPeerId() {
        try (WsClient c = server.client()) {
            c.send("{\"type\":\"send\",\"data\":1,\"requestId\":\"missing\"}");
            c.expectError("invalid_peer_id", "missing");
            c.send("{\"type\":\"send\",\"to\":\"\",\"data\":1,\"requestId\":\"empty\"}");
            c.expectError("invalid_peer_id", "empty");
            c.sendJson("type", "send", "to", "x".repeat(129), "data", 1, "requestId", "long");
            c.expectError("invalid_peer_id", "long");
            c.sendJson("type", "send", "to", "caf\u00e9", "data", 1, "requestId", "nonascii");
            c.expectError("invalid_peer_id", "nonascii");
            c.sendJson("type", "send", "to", "tab\there", "data", 1, "requestId", "control");
            c.expectError("invalid_peer_id", "control");
            c.send("{\"type\":\"send\",\"to\":42,\"data\":1,\"requestId\":\"number\"}");
            c.expectError("invalid_peer_id", "number");
            c.send("{\"type\":\"send\",\"to\":null,\"data\":1,\"requestId\":\"null\"}");
            c.expectError("invalid_peer_id", "null");
            // 128 printable ASCII characters is a valid id: not found, not invalid
            c.sendJson("type", "send", "to", "~".repeat(128), "data", 1, "requestId", "max");
            c.expectError("peer_not_found", "max");
            c.sendJson("type", "send", "to", " ", "data", 1, "requestId", "space");
            c.expectError("peer_not_found", "space");
        }
    }

    @Test
    void sendingToYourselfIsAllowed() {
        String token = server.token("narcissus", "");
        try (WsClient me = server.tokenClient(token); WsClient myOtherTab = server.tokenClient(token)) {
            me.sendJson("type", "send", "to", "narcissus", "data", "mirror", "requestId", "s");
            // every connection of the peer gets it, the sending one included
            JsonNode d = me.next();
            JsonNode second = me.next();
            assertThat(java.util.List.of(d.path("type").asText(), second.path("type").asText()))
                    .containsExactlyInAnyOrder("direct", "ack");
            JsonNode direct = d.path("type").asText().equals("direct") ? d : second;
            assertThat(direct.path("from").asText()).isEqualTo("narcissus");
            assertThat(myOtherTab.expect("direct").path("data").asText()).isEqualTo("mirror");
        }
    }

    @Test
    void sendWithoutTheSendActionIsActionNotPermitted() {
        try (WsClient target = WsClient.connect(server.keyUri(TestServer.PK));
             WsClient narrow = server.client("pk_live_narrow")) {
            String targetId = target.expect("welcome").path("peerId").asText();
            narrow.sendJson("type", "send", "to", targetId, "data", 1, "requestId", "n");
            narrow.expectError("action_not_permitted", "n");
            target.expectNothingPending();
        }
    }

    @Test
    void directsAreNotLimitedByChannelPatterns() {
        // a narrow token (room-* only) with send still reaches any online peer of the app
        String token = server.token("narrow-sender", "\"channels\":[\"room-*\"],\"permissions\":[\"send\"]");
        try (WsClient target = WsClient.connect(server.keyUri(TestServer.PK)); WsClient s = server.tokenClient(token)) {
            String targetId = target.expect("welcome").path("peerId").asText();
            s.sendJson("type", "send", "to", targetId, "data", 1, "requestId", "n");
            assertThat(s.expect("ack").path("requestId").asText()).isEqualTo("n");
            assertThat(target.expect("direct").path("from").asText()).isEqualTo("narrow-sender");
        }
    }

    @Test
    void sendWithoutDataIsMissingData() {
        try (WsClient target = WsClient.connect(server.keyUri(TestServer.PK)); WsClient c = server.client()) {
            String targetId = target.expect("welcome").path("peerId").asText();
            c.sendJson("type", "send", "to", targetId, "requestId", "m");
            c.expectError("missing_data", "m");
            target.expectNothingPending();
        }
    }
}

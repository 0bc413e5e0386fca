package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JWT and publishable-key authentication over real WebSocket connections (docs/protocol.md 1, 4, 6). */
class JwtIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Connects, waits for the server's close, and asserts nothing (no welcome) came before it. */
    private static WsClient.Close closedBeforeWelcome(URI uri) {
        try (WsClient c = WsClient.connect(uri)) {
            WsClient.Close close = c.awaitClose();
            assertThat(c.drainPending()).as("frames before the close").isEmpty();
            return close;
        }
    }

    private static void assertInvalidToken(String token) {
        assertThat(closedBeforeWelcome(server.tokenUri(token)).code()).isEqualTo(4001);
    }

    @Test
    void validTokenIsWelcomedWithSubAsPeerIdExpAsExpiresAtAndMetadataVerbatim() throws Exception {
        long exp = Jwts.nowSeconds() + 600;
        String metadata = "{\"zeta\":1,\"iceServers\":[{\"urls\":\"stun:stun.example.com\"}],\"alpha\":{\"b\":true,\"a\":null}}";
        String token = Jwts.demo("{\"sub\":\"alice\",\"exp\":" + exp + ",\"metadata\":" + metadata + "}");
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            JsonNode welcome = c.expect("welcome");
            assertThat(welcome.path("peerId").asText()).isEqualTo("alice");
            assertThat(welcome.path("expiresAt").asLong()).isEqualTo(exp);
            assertThat(welcome.path("maxMessageSize").asInt()).isEqualTo(65536);
            JsonNode expected = JSON.readTree(metadata);
            assertThat(welcome.path("metadata")).isEqualTo(expected);
            assertThat(fieldNames(welcome.path("metadata"))).containsExactly("zeta", "iceServers", "alpha");
            assertThat(fieldNames(welcome.path("metadata").path("alpha"))).containsExactly("b", "a");
            c.expectNothingPending();
        }
    }

    @Test
    void tokenWithoutMetadataClaimGetsWelcomeWithoutMetadata() {
        try (WsClient c = WsClient.connect(server.tokenUri(Jwts.demo(Jwts.claims("bob", 600, null))))) {
            JsonNode welcome = c.expect("welcome");
            assertThat(welcome.path("peerId").asText()).isEqualTo("bob");
            assertThat(welcome.has("metadata")).isFalse();
        }
    }

    @Test
    void publishableKeyIsWelcomedWithRandomPeerIdAndNullExpiresAt() {
        try (WsClient a = WsClient.connect(server.keyUri(TestServer.PK));
                WsClient b = WsClient.connect(server.keyUri(TestServer.PK))) {
            JsonNode wa = a.expect("welcome");
            JsonNode wb = b.expect("welcome");
            assertThat(wa.path("expiresAt").isNull()).as("expiresAt in %s", wa).isTrue();
            assertThat(wa.has("metadata")).isFalse();
            assertThat(java.util.UUID.fromString(wa.path("peerId").asText())).isNotNull();
            assertThat(wa.path("peerId").asText()).isNotEqualTo(wb.path("peerId").asText());
        }
    }

    @Test
    void expiredTokenIsClosedWith4002WithoutWelcome() {
        assertThat(closedBeforeWelcome(server.tokenUri(Jwts.demo(Jwts.claims("alice", -10, null)))).code())
                .isEqualTo(4002);
    }

    @Test
    void connectionIsClosedWith4002ShortlyBeforeTheTokenExpires() {
        long exp = Jwts.nowSeconds() + 2; // 1-2 s ahead
        long expMillis = exp * 1000;
        String token = Jwts.demo("{\"sub\":\"short-lived\",\"exp\":" + exp + "}");
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            assertThat(c.expect("welcome").path("expiresAt").asLong()).isEqualTo(exp);
            WsClient.Close close = c.awaitClose();
            assertThat(close.code()).isEqualTo(4002);
            // docs/protocol.md 6.3: about 250 ms before exp. Generous bounds: before exp, not a second early.
            assertThat(c.closedAtMillis()).isLessThan(expMillis).isGreaterThanOrEqualTo(expMillis - 1000);
        }
    }

    @Test
    void tokenNotYetValidIsClosedWith4001() {
        assertInvalidToken(Jwts.demo(Jwts.claims("alice", 600, "\"nbf\":" + (Jwts.nowSeconds() + 120))));
    }

    @Test
    void tokenWithNbfInsideTheClockSkewIsAccepted() {
        String token = Jwts.demo(Jwts.claims("alice", 600, "\"nbf\":" + (Jwts.nowSeconds() + 5)));
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            c.expect("welcome");
        }
    }

    @Test
    void tokenWithWrongSignatureIsClosedWith4001() {
        assertInvalidToken(Jwts.hs256(Jwts.header(TestServer.SK_ID), Jwts.claims("alice", 600, null),
                "sk_secret_not_the_right_one"));
    }

    @Test
    void tokenWithUnknownKidIsClosedWith4001() {
        assertInvalidToken(Jwts.hs256(Jwts.header("sk_id_nope"), Jwts.claims("alice", 600, null), Jwts.DEMO_SECRET));
    }

    @Test
    void tokenWithoutKidIsClosedWith4001() {
        assertInvalidToken(Jwts.hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", Jwts.claims("alice", 600, null),
                Jwts.DEMO_SECRET));
    }

    @Test
    void tokenWithAlgNoneIsClosedWith4001() {
        assertInvalidToken(Jwts.unsigned("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"sk_id_demo\"}",
                Jwts.claims("alice", 600, null)));
    }

    @Test
    void tokenWithAlgHs512IsClosedWith4001() {
        assertInvalidToken(Jwts.sign("{\"alg\":\"HS512\",\"typ\":\"JWT\",\"kid\":\"sk_id_demo\"}",
                Jwts.claims("alice", 600, null), Jwts.DEMO_SECRET, "HmacSHA512"));
    }

    @Test
    void malformedTokenIsClosedWith4001() {
        assertInvalidToken("not-a-jwt");
    }

    @Test
    void tokenWithoutSubIsClosedWith4001() {
        assertInvalidToken(Jwts.demo("{\"exp\":" + (Jwts.nowSeconds() + 600) + "}"));
    }

    @Test
    void tokenWithoutExpIsClosedWith4001() {
        assertInvalidToken(Jwts.demo("{\"sub\":\"alice\"}"));
    }

    @Test
    void tokenWithSubThatIsNotAValidPeerIdIsClosedWith4001() {
        assertInvalidToken(Jwts.demo(Jwts.claims("x".repeat(129), 600, null)));
    }

    // Tokens with large claims are long: the request line must fit them (RmsServer.HTTP_DECODER).

    @Test
    void peerMetadataOver4KbIsClosedWith4001() {
        String big = "{\"blob\":\"" + "a".repeat(4100) + "\"}";
        assertInvalidToken(Jwts.demo(Jwts.claims("alice", 600, "\"peerMetadata\":" + big)));
    }

    @Test
    void peerMetadataJustUnder4KbIsAccepted() {
        String fits = "{\"blob\":\"" + "a".repeat(4000) + "\"}";
        try (WsClient c = WsClient.connect(server.tokenUri(Jwts.demo(Jwts.claims("alice", 600, "\"peerMetadata\":" + fits))))) {
            c.expect("welcome");
        }
    }

    @Test
    void metadataJustUnder8KbWithPeerMetadataJustUnder4KbIsAccepted() {
        String meta = "{\"blob\":\"" + "m".repeat(8000) + "\"}";
        String pm = "{\"blob\":\"" + "p".repeat(4000) + "\"}";
        String token = Jwts.demo(Jwts.claims("alice", 600, "\"peerMetadata\":" + pm + ",\"metadata\":" + meta));
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            assertThat(c.expect("welcome").path("metadata").path("blob").asText()).hasSize(8000);
        }
    }

    @Test
    void metadataOver8KbIsClosedWith4001() {
        String big = "{\"blob\":\"" + "a".repeat(8200) + "\"}";
        assertInvalidToken(Jwts.demo(Jwts.claims("alice", 600, "\"metadata\":" + big)));
    }

    @Test
    void peerMetadataOfAboutTwoKilobytesIsAcceptedAndShownInPresence() {
        String pm = "{\"name\":\"Alice\",\"blob\":\"" + "a".repeat(2000) + "\"}";
        try (WsClient watcher = server.client();
                WsClient c = WsClient.connect(server.tokenUri(Jwts.demo(Jwts.claims("pm-alice", 600, "\"peerMetadata\":" + pm))))) {
            c.expect("welcome");
            watcher.subscribe("pm-room");
            c.subscribe("pm-room");
            JsonNode joined = watcher.expect("presence").path("joined").get(0);
            assertThat(joined.path("peerId").asText()).isEqualTo("pm-alice");
            assertThat(joined.path("metadata").path("name").asText()).isEqualTo("Alice");
        }
    }

    @Test
    void tokenChannelsAreIntersectedWithTheSecretKeysPatterns() {
        String token = Jwts.hs256(Jwts.header(Jwts.NARROW_ID), Jwts.claims("narrow-1", 600, "\"channels\":[\"**\"]"),
                Jwts.NARROW_SECRET);
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            c.expect("welcome");
            c.subscribe("room-1");
            c.sendJson("type", "subscribe", "channel", "lobby", "requestId", "s2");
            c.expectError("channel_not_authorized", "s2");
            c.expectNothingPending();
        }
    }

    @Test
    void tokenWithoutChannelsClaimGetsTheSecretKeysPatterns() {
        String token = Jwts.hs256(Jwts.header(Jwts.NARROW_ID), Jwts.claims("narrow-2", 600, null), Jwts.NARROW_SECRET);
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            c.expect("welcome");
            c.subscribe("room-7");
            c.sendJson("type", "subscribe", "channel", "lobby", "requestId", "s2");
            c.expectError("channel_not_authorized", "s2");
        }
    }

    @Test
    void tokenChannelsNarrowTheDemoKeysPatterns() {
        try (WsClient c = WsClient.connect(server.tokenUri(Jwts.demo(Jwts.claims("alice", 600,
                "\"channels\":[\"team/*\"]"))))) {
            c.expect("welcome");
            c.subscribe("team/a");
            c.sendJson("type", "subscribe", "channel", "team/a/b", "requestId", "deep");
            c.expectError("channel_not_authorized", "deep");
        }
    }

    @Test
    void tokenPermissionsAreIntersectedWithTheSecretKeysActions() {
        String token = Jwts.hs256(Jwts.header(Jwts.NARROW_ID),
                Jwts.claims("narrow-3", 600, "\"permissions\":[\"subscribe\",\"publish\",\"send\"]"), Jwts.NARROW_SECRET);
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            c.expect("welcome");
            c.sendJson("type", "send", "to", "narrow-3", "data", "hi", "requestId", "d1");
            c.expectError("action_not_permitted", "d1");
            c.subscribe("room-2");
        }
    }

    @Test
    void tokenPermissionsCanDropAnActionTheKeyHas() {
        try (WsClient c = WsClient.connect(server.tokenUri(Jwts.demo(Jwts.claims("alice", 600,
                "\"permissions\":[\"subscribe\"]"))))) {
            c.expect("welcome");
            c.subscribe("room-1");
            c.sendJson("type", "publish", "channel", "room-1", "data", 1, "requestId", "p1");
            c.expectError("action_not_permitted", "p1");
        }
    }

    @Test
    void requestWithNeitherCredentialIsClosedWith4001() {
        assertThat(closedBeforeWelcome(server.wsUri(null)).code()).isEqualTo(4001);
    }

    @Test
    void requestWithBothKeyAndTokenIsClosedWith4001() {
        String token = Jwts.demo(Jwts.claims("alice", 600, null));
        URI uri = server.wsUri("key=" + TestServer.PK + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        assertThat(closedBeforeWelcome(uri).code()).isEqualTo(4001);
    }

    @Test
    void unknownPublishableKeyIsClosedWith4001() {
        assertThat(closedBeforeWelcome(server.keyUri("pk_live_nope")).code()).isEqualTo(4001);
    }

    @Test
    void keyOfASuspendedAppIsClosedWith4012() {
        assertThat(closedBeforeWelcome(server.keyUri("pk_live_off")).code()).isEqualTo(4012);
    }

    @Test
    void publishableKeyChannelsAndActionsAreEnforced() {
        try (WsClient c = server.client("pk_live_narrow")) {
            c.subscribe("room-9");
            c.sendJson("type", "subscribe", "channel", "lobby", "requestId", "s");
            c.expectError("channel_not_authorized", "s");
            c.sendJson("type", "send", "to", "someone", "data", 1, "requestId", "d");
            c.expectError("action_not_permitted", "d");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}

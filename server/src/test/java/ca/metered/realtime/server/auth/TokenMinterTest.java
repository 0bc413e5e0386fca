package ca.metered.realtime.server.auth;

import static ca.metered.realtime.server.auth.AuthFixtures.CLOCK;
import static ca.metered.realtime.server.auth.AuthFixtures.CONFIG;
import static ca.metered.realtime.server.auth.AuthFixtures.DEMO_SECRET;
import static ca.metered.realtime.server.auth.AuthFixtures.NOW;
import static ca.metered.realtime.server.auth.AuthFixtures.secretKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.server.config.SecretKeyConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TokenMinterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TokenMinter minter = new TokenMinter(CLOCK);
    private final SecretKeyConfig demo = secretKey("sk_id_demo");
    private final SecretKeyConfig scoped = secretKey("sk_id_scoped");

    private static JsonNode part(String token, int index) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[index]));
    }

    private static void failsWith(String code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(TokenRequestException.class)
                .satisfies(e -> assertThat(((TokenRequestException) e).code()).isEqualTo(code))
                .hasMessageNotContaining(DEMO_SECRET);
    }

    @Test
    void mintedTokenRoundTripsThroughTheAuthenticatorWithTheShortDemoSecret() throws Exception {
        JsonNode metadata = JSON.readTree("{\"iceServers\":[{\"urls\":\"turn:x\",\"credential\":\"c\"}],\"z\":1,\"a\":2}");
        JsonNode peerMetadata = JSON.readTree("{\"name\":\"Alice\"}");
        MintedToken minted = minter.mint(demo, new TokenRequest("alice", List.of("room-*", "chat/**"),
                List.of("subscribe", "presence"), 120L, metadata, peerMetadata));

        assertThat(minted.expiresAtEpochSeconds()).isEqualTo(NOW + 120);
        assertThat(minted.toString()).doesNotContain(minted.token());
        AuthOutcome outcome = new Authenticator(CONFIG, CLOCK).authenticate(null, minted.token(), null);
        assertThat(outcome).isInstanceOf(AuthOutcome.Granted.class);
        Grant grant = ((AuthOutcome.Granted) outcome).grant();
        assertThat(grant.peerId()).isEqualTo("alice");
        assertThat(grant.actions()).containsExactly(Action.SUBSCRIBE, Action.PRESENCE);
        assertThat(grant.channels().allows("room-7")).isTrue();
        assertThat(grant.channels().allows("chat/a/b")).isTrue();
        assertThat(grant.channels().allows("lobby")).isFalse();
        assertThat(grant.metadataJson()).isEqualTo("{\"iceServers\":[{\"urls\":\"turn:x\",\"credential\":\"c\"}],\"z\":1,\"a\":2}");
        assertThat(grant.peerMetadataJson()).isEqualTo("{\"name\":\"Alice\"}");
        assertThat(grant.expiresAtEpochSeconds()).isEqualTo(NOW + 120);
    }

    @Test
    void tokenIsStandardHs256OverTheSecretBytes() throws Exception {
        String token = minter.mint(demo, TokenRequest.forPeer("bob")).token();
        String[] parts = token.split("\\.");

        // Recompute the signature with nothing but the JDK, as jsonwebtoken or jose would.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(DEMO_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(expected)).isEqualTo(parts[2]);

        JsonNode header = part(token, 0);
        assertThat(header.get("alg").asText()).isEqualTo("HS256");
        assertThat(header.get("typ").asText()).isEqualTo("JWT");
        assertThat(header.get("kid").asText()).isEqualTo("sk_id_demo");
    }

    @Test
    void defaultsWriteKeyActionsAndOneHourExpiry() throws Exception {
        MintedToken minted = minter.mint(scoped, TokenRequest.forPeer("bob"));
        JsonNode claims = part(minted.token(), 1);

        assertThat(claims.get("sub").asText()).isEqualTo("bob");
        assertThat(claims.get("iat").asLong()).isEqualTo(NOW);
        assertThat(claims.get("exp").asLong()).isEqualTo(NOW + 3600);
        assertThat(minted.expiresAtEpochSeconds()).isEqualTo(NOW + 3600);
        assertThat(claims.get("permissions").toString()).isEqualTo("[\"subscribe\",\"publish\"]");
        assertThat(claims.has("channels")).isFalse();
        assertThat(claims.has("metadata")).isFalse();
        assertThat(claims.has("peerMetadata")).isFalse();
    }

    @Test
    void invalidRequestsAreRejectedWithInvalidRequest() {
        String code = TokenRequestException.INVALID_REQUEST;
        failsWith(code, () -> minter.mint(demo, TokenRequest.forPeer(null)));
        failsWith(code, () -> minter.mint(demo, TokenRequest.forPeer("bad\nid")));
        failsWith(code, () -> minter.mint(demo, new TokenRequest("a", null, null, 0L, null, null)));
        failsWith(code, () -> minter.mint(demo, new TokenRequest("a", null, null, 86_401L, null, null)));
        failsWith(code, () -> minter.mint(demo, new TokenRequest("a", List.of("a\\q"), null, null, null, null)));
        failsWith(code, () -> minter.mint(demo, new TokenRequest("a",
                java.util.Collections.nCopies(101, "room-1"), null, null, null, null)));
        failsWith(code, () -> minter.mint(demo, new TokenRequest("a", null, List.of("admin"), null, null, null)));
        failsWith(code, () -> minter.mint(demo, new TokenRequest("a", null,
                java.util.Collections.nCopies(17, "publish"), null, null, null)));
        failsWith(code, () -> minter.mint(demo, new TokenRequest("a", null, null, null, TextNode.valueOf("x"), null)));
        failsWith(code, () -> minter.mint(demo, new TokenRequest("a", null, null, null, null,
                JSON.createObjectNode().put("v", "x".repeat(4096)))));
        failsWith(code, () -> minter.mint(demo, new TokenRequest("a", null, null, null,
                JSON.createObjectNode().put("v", "x".repeat(8192)), null)));
    }

    @Test
    void requestsBeyondTheKeyAreRejectedWithTheirCodes() {
        failsWith(TokenRequestException.CHANNEL_NOT_AUTHORIZED,
                () -> minter.mint(scoped, new TokenRequest("a", List.of("room-*", "**"), null, null, null, null)));
        failsWith(TokenRequestException.CHANNEL_NOT_AUTHORIZED,
                () -> minter.mint(scoped, new TokenRequest("a", List.of("lobby"), null, null, null, null)));
        failsWith(TokenRequestException.ACTION_NOT_PERMITTED,
                () -> minter.mint(scoped, new TokenRequest("a", null, List.of("send"), null, null, null)));

        MintedToken ok = minter.mint(scoped, new TokenRequest("a", List.of("room-1", "room-*"), List.of("publish"),
                86_400L, null, null));
        assertThat(ok.expiresAtEpochSeconds()).isEqualTo(NOW + 86_400);
    }

    @Test
    void anAppsShorterMaximumLifetimeCapsExpiresInSec() throws Exception {
        java.time.Duration quarterHour = java.time.Duration.ofMinutes(15);
        failsWith(TokenRequestException.INVALID_REQUEST,
                () -> minter.mint(demo, new TokenRequest("a", null, null, 901L, null, null), quarterHour));
        MintedToken capped = minter.mint(demo, TokenRequest.forPeer("a"), quarterHour);
        assertThat(part(capped.token(), 1).path("exp").asLong()).isEqualTo(AuthFixtures.NOW + 900);
        // a longer one never lifts the protocol's 24 h
        failsWith(TokenRequestException.INVALID_REQUEST, () -> minter.mint(demo,
                new TokenRequest("a", null, null, 86_401L, null, null), java.time.Duration.ofDays(7)));
    }
}

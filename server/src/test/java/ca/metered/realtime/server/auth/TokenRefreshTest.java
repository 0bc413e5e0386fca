package ca.metered.realtime.server.auth;

import static ca.metered.realtime.server.auth.AuthFixtures.BIG_SECRET;
import static ca.metered.realtime.server.auth.AuthFixtures.CLOCK;
import static ca.metered.realtime.server.auth.AuthFixtures.CONFIG;
import static ca.metered.realtime.server.auth.AuthFixtures.DEMO_SECRET;
import static ca.metered.realtime.server.auth.AuthFixtures.NOW;
import static ca.metered.realtime.server.auth.AuthFixtures.header;
import static ca.metered.realtime.server.auth.AuthFixtures.hs256;
import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

/** In-band token refresh (docs/protocol.md 9): who may refresh, with what, and what it changes. */
class TokenRefreshTest {
    private final Authenticator auth = new Authenticator(CONFIG, CLOCK);

    private static String claims(String sub, long exp, String extra) {
        return "{\"sub\":\"" + sub + "\",\"exp\":" + exp + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static String token(String kid, String secret, String claims) throws Exception {
        return hs256(header(kid), claims, secret);
    }

    private Grant connect(String kid, String secret, String claims) throws Exception {
        AuthOutcome o = auth.authenticate(null, token(kid, secret, claims), null);
        assertThat(o).isInstanceOf(AuthOutcome.Granted.class);
        return ((AuthOutcome.Granted) o).grant();
    }

    private static void refused(RefreshOutcome o, ErrorCode code) {
        assertThat(o).isInstanceOf(RefreshOutcome.Refused.class);
        assertThat(((RefreshOutcome.Refused) o).code()).isEqualTo(code);
        assertThat(((RefreshOutcome.Refused) o).message()).isNotBlank().doesNotContain("eyJ");
    }

    @Test
    void aFreshTokenForTheSameGrantExtendsTheExpiryAndKeepsEverythingElse() throws Exception {
        String extra = "\"channels\":[\"room-*\",\"lobby\"],\"permissions\":[\"subscribe\",\"publish\"],"
                + "\"peerMetadata\":{\"name\":\"Ann\"}";
        Grant current = connect("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 60, extra));
        String reordered = "\"channels\":[\"lobby\",\"room-*\"],\"permissions\":[\"publish\",\"subscribe\"],"
                + "\"peerMetadata\":{\"name\":\"Someone else\"}";
        RefreshOutcome o = auth.refresh(current, token("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 3600, reordered)));
        assertThat(o).isInstanceOf(RefreshOutcome.Refreshed.class);
        Grant next = ((RefreshOutcome.Refreshed) o).grant();
        assertThat(next.expiresAtEpochSeconds()).isEqualTo(NOW + 3600);
        assertThat(next.withExpiry(NOW + 60)).isEqualTo(current);
        assertThat(next.peerMetadataJson()).isEqualTo("{\"name\":\"Ann\"}");
    }

    @Test
    void aPublishableKeyConnectionHasNothingToRefresh() throws Exception {
        AuthOutcome pk = auth.authenticate("pk_live_demo", null, null);
        Grant current = ((AuthOutcome.Granted) pk).grant();
        refused(auth.refresh(current, token("sk_id_demo", DEMO_SECRET, claims(current.peerId(), NOW + 60, ""))),
                ErrorCode.REFRESH_NOT_ALLOWED);
    }

    @Test
    void aTokenThatDoesNotVerifyIsAnInvalidToken() throws Exception {
        Grant current = connect("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 60, ""));
        refused(auth.refresh(current, "not.a.jwt"), ErrorCode.INVALID_TOKEN);
        refused(auth.refresh(current, token("sk_id_demo", "sk_secret_wrong_wrong_wrong", claims("alice", NOW + 60, ""))),
                ErrorCode.INVALID_TOKEN);
        refused(auth.refresh(current, token("sk_id_demo", DEMO_SECRET, claims("alice", NOW - 1, ""))),
                ErrorCode.INVALID_TOKEN);
        refused(auth.refresh(current, token("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 10 * 86_400, ""))),
                ErrorCode.INVALID_TOKEN);
    }

    @Test
    void anotherKeyAppOrSubjectIsATokenMismatch() throws Exception {
        Grant current = connect("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 60, ""));
        refused(auth.refresh(current, token("sk_id_big", BIG_SECRET, claims("alice", NOW + 600, ""))),
                ErrorCode.TOKEN_MISMATCH);
        refused(auth.refresh(current, token("sk_id_demo", DEMO_SECRET, claims("bob", NOW + 600, ""))),
                ErrorCode.TOKEN_MISMATCH);
        // the suspended app's key does not even verify: refused before it could be compared
        refused(auth.refresh(current, token("sk_id_off", "sk_secret_off_0123456789", claims("alice", NOW + 600, ""))),
                ErrorCode.INVALID_TOKEN);
    }

    @Test
    void widerOrNarrowerPermissionsAreAPermissionsMismatch() throws Exception {
        Grant current = connect("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 60,
                "\"channels\":[\"room-*\"],\"permissions\":[\"subscribe\"]"));
        refused(auth.refresh(current, token("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 600,
                "\"channels\":[\"**\"],\"permissions\":[\"subscribe\"]"))), ErrorCode.PERMISSIONS_MISMATCH);
        refused(auth.refresh(current, token("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 600,
                "\"channels\":[\"room-*\"],\"permissions\":[\"subscribe\",\"publish\"]"))), ErrorCode.PERMISSIONS_MISMATCH);
        refused(auth.refresh(current, token("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 600,
                "\"channels\":[\"room-1\"],\"permissions\":[\"subscribe\"]"))), ErrorCode.PERMISSIONS_MISMATCH);
        refused(auth.refresh(current, token("sk_id_demo", DEMO_SECRET, claims("alice", NOW + 600,
                "\"channels\":[\"room-*\"],\"permissions\":[]"))), ErrorCode.PERMISSIONS_MISMATCH);
    }
}

package ca.metered.realtime.server.ice;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The credential scheme against coturn's documented formula (README.turnserver, "TURN REST API":
 * {@code usercombo = "timestamp:username"}, {@code password = base64(hmac(usercombo, shared-secret))}
 * with HMAC-SHA1). Expected values were computed outside Java, not by this code.
 */
class TurnCredentialsTest {

    @Test
    void usernameIsExpiryColonPeerIdAndCredentialIsBase64HmacSha1OfItUnderTheSecret() {
        TurnCredentials c = TurnCredentials.mint("north-pole-secret", "alice", 1_735_689_600L);

        assertThat(c.username()).isEqualTo("1735689600:alice");
        // printf '%s' '1735689600:alice' | openssl dgst -sha1 -hmac 'north-pole-secret' -binary | base64
        assertThat(c.credential()).isEqualTo("RQOa8kbSBY3he4gti41W2IeSJIw=");
        assertThat(c.expiresAtEpochSeconds()).isEqualTo(1_735_689_600L);
    }

    @Test
    void aSecretLongerThanTheHmacBlockAndAPeerIdWithColonsAndSpacesFollowTheSameFormula() {
        // coturn splits the username at its first ':' only, so a peerId may contain more.
        TurnCredentials c = TurnCredentials.mint("k".repeat(100), "a:b c", 1_700_000_000L);

        assertThat(c.username()).isEqualTo("1700000000:a:b c");
        // printf '%s' '1700000000:a:b c' | openssl dgst -sha1 -hmac "$(printf 'k%.0s' $(seq 1 100))" -binary | base64
        assertThat(c.credential()).isEqualTo("omgY3sxddRorLgcu9UiO4fQkq/k=");
    }

    @Test
    void hmacSha1MatchesRfc2202TestCase2() {
        // RFC 2202 section 3, test case 2: HMAC-SHA1("Jefe", "what do ya want for nothing?") =
        // effcdf6ae5eb2fa2d27416d5f184df9c259a7c79, here in base64.
        assertThat(TurnCredentials.credential("Jefe", "what do ya want for nothing?"))
                .isEqualTo("7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }

    @Test
    void differentPeersAndExpiriesNeverShareACredential() {
        String a = TurnCredentials.mint("north-pole-secret", "alice", 1_735_689_600L).credential();
        String b = TurnCredentials.mint("north-pole-secret", "bob", 1_735_689_600L).credential();
        String later = TurnCredentials.mint("north-pole-secret", "alice", 1_735_689_601L).credential();

        assertThat(a).isNotEqualTo(b).isNotEqualTo(later);
    }

    @Test
    void toStringHidesTheCredential() {
        TurnCredentials c = TurnCredentials.mint("north-pole-secret", "alice", 1_735_689_600L);

        assertThat(c.toString()).contains("1735689600:alice").doesNotContain(c.credential());
    }
}

package ca.metered.realtime.server.auth;

import static ca.metered.realtime.server.auth.AuthFixtures.BIG_SECRET;
import static ca.metered.realtime.server.auth.AuthFixtures.CLOCK;
import static ca.metered.realtime.server.auth.AuthFixtures.CONFIG;
import static ca.metered.realtime.server.auth.AuthFixtures.DEMO_SECRET;
import static ca.metered.realtime.server.auth.AuthFixtures.NOW;
import static ca.metered.realtime.server.auth.AuthFixtures.SCOPED_SECRET;
import static ca.metered.realtime.server.auth.AuthFixtures.b64;
import static ca.metered.realtime.server.auth.AuthFixtures.header;
import static ca.metered.realtime.server.auth.AuthFixtures.hs256;
import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private final Authenticator auth = new Authenticator(CONFIG, CLOCK);

    private static String claims(String extra) {
        return "{\"sub\":\"alice\",\"exp\":" + (NOW + 600) + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private AuthOutcome token(String kid, String claimsJson, String secret) throws Exception {
        return auth.authenticate(null, hs256(header(kid), claimsJson, secret), null);
    }

    private static Grant granted(AuthOutcome outcome) {
        assertThat(outcome).isInstanceOf(AuthOutcome.Granted.class);
        return ((AuthOutcome.Granted) outcome).grant();
    }

    private static void rejected(AuthOutcome outcome, int code) {
        assertThat(outcome).isInstanceOf(AuthOutcome.Rejected.class);
        assertThat(((AuthOutcome.Rejected) outcome).closeCode()).isEqualTo(code);
    }

    @Test
    void validJwtGrantsItsClaimsWithShortSecret() throws Exception {
        Grant grant = granted(token("sk_id_demo", claims(
                "\"iat\":" + NOW + ",\"peerMetadata\":{\"name\":\"Alice\",\"n\":1.50},"
                        + "\"metadata\":{\"iceServers\":[{\"urls\":\"stun:x\"}],\"a\":true}"), DEMO_SECRET));

        assertThat(grant.app().id()).isEqualTo("demo");
        assertThat(grant.peerId()).isEqualTo("alice");
        assertThat(grant.expiresAtEpochSeconds()).isEqualTo(NOW + 600);
        assertThat(grant.peerMetadataJson()).isEqualTo("{\"name\":\"Alice\",\"n\":1.50}");
        assertThat(grant.metadataJson()).isEqualTo("{\"iceServers\":[{\"urls\":\"stun:x\"}],\"a\":true}");
    }

    @Test
    void absentClaimsDefaultToTheKeysScope() throws Exception {
        Grant grant = granted(token("sk_id_scoped", claims(""), SCOPED_SECRET));

        assertThat(grant.actions()).isEqualTo(EnumSet.of(Action.SUBSCRIBE, Action.PUBLISH));
        assertThat(grant.can(Action.SEND)).isFalse();
        assertThat(grant.channels().allows("room-1")).isTrue();
        assertThat(grant.channels().allows("lobby")).isFalse();
        assertThat(grant.peerMetadataJson()).isNull();
        assertThat(grant.metadataJson()).isNull();
    }

    @Test
    void channelsClaimIsIntersectedWithTheKey() throws Exception {
        Grant wide = granted(token("sk_id_scoped", claims("\"channels\":[\"**\"]"), SCOPED_SECRET));
        assertThat(wide.channels().allows("room-1")).isTrue();
        assertThat(wide.channels().allows("other")).isFalse();
        assertThat(wide.channels().allowsGlob(ChannelPattern.compile("room-*"))).isTrue();
        assertThat(wide.channels().allowsGlob(ChannelPattern.compile("**"))).isFalse();

        Grant narrow = granted(token("sk_id_demo", claims("\"channels\":[\"chat/*\"]"), DEMO_SECRET));
        assertThat(narrow.channels().allows("chat/1")).isTrue();
        assertThat(narrow.channels().allows("chat/1/x")).isFalse();
    }

    @Test
    void permissionsClaimIsIntersectedWithTheKey() throws Exception {
        Grant grant = granted(token("sk_id_scoped", claims("\"permissions\":[\"publish\",\"send\"]"), SCOPED_SECRET));
        assertThat(grant.actions()).containsExactly(Action.PUBLISH);

        Grant none = granted(token("sk_id_demo", claims("\"permissions\":[]"), DEMO_SECRET));
        assertThat(none.actions()).isEmpty();
    }

    @Test
    void expiredAndNearlyExpiredTokensGet4002() throws Exception {
        rejected(token("sk_id_demo", "{\"sub\":\"a\",\"exp\":" + NOW + "}", DEMO_SECRET), 4002);
        rejected(token("sk_id_demo", "{\"sub\":\"a\",\"exp\":" + (NOW - 10) + "}", DEMO_SECRET), 4002);

        String jwt = hs256(header("sk_id_demo"), "{\"sub\":\"a\",\"exp\":" + (NOW + 1) + "}", DEMO_SECRET);
        long expMillis = (NOW + 1) * 1000;
        AuthOutcome within = new Authenticator(CONFIG, AuthFixtures.clockAtMillis(expMillis - 200))
                .authenticate(null, jwt, null);
        assertThat(within).isEqualTo(new AuthOutcome.Rejected(4002, "token expired"));
        AuthOutcome before = new Authenticator(CONFIG, AuthFixtures.clockAtMillis(expMillis - 300))
                .authenticate(null, jwt, null);
        assertThat(before).isInstanceOf(AuthOutcome.Granted.class);
    }

    @Test
    void futureNbfAndIatBeyondSkewGet4001() throws Exception {
        rejected(token("sk_id_demo", claims("\"nbf\":" + (NOW + 31)), DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", claims("\"iat\":" + (NOW + 31)), DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", claims("\"nbf\":\"soon\""), DEMO_SECRET), 4001);
        granted(token("sk_id_demo", claims("\"nbf\":" + (NOW + 29) + ",\"iat\":" + (NOW + 29)), DEMO_SECRET));
    }

    @Test
    void badSignatureUnknownOrMissingKidGet4001() throws Exception {
        rejected(token("sk_id_demo", claims(""), "sk_secret_some_other_secret"), 4001);
        rejected(token("sk_id_nope", claims(""), DEMO_SECRET), 4001);
        rejected(auth.authenticate(null, hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims(""), DEMO_SECRET), null), 4001);
        rejected(auth.authenticate(null, "not.a.jwt", null), 4001);
        rejected(auth.authenticate(null, "garbage", null), 4001);
        String valid = hs256(header("sk_id_demo"), claims(""), DEMO_SECRET);
        String[] parts = valid.split("\\.");
        rejected(auth.authenticate(null, parts[0] + "." + b64(claims("\"x\":1")) + "." + parts[2], null), 4001);
    }

    @Test
    void algNoneIsRejected() {
        String unsecured = b64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"sk_id_demo\"}") + "." + b64(claims("")) + ".";
        AuthOutcome outcome = auth.authenticate(null, unsecured, null);
        rejected(outcome, 4001);
    }

    @Test
    void hs512IsRejectedEvenWhenCorrectlySigned() throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS512).keyID("sk_id_big").build(),
                new Payload(claims("")));
        jws.sign(new MACSigner(BIG_SECRET.getBytes(StandardCharsets.UTF_8)));
        rejected(auth.authenticate(null, jws.serialize(), null), 4001);

        // The same key with HS256 is fine, so the rejection is about the algorithm.
        granted(token("sk_id_big", claims(""), BIG_SECRET));
    }

    @Test
    void subMustBeAValidPeerId() throws Exception {
        rejected(token("sk_id_demo", "{\"exp\":" + (NOW + 60) + "}", DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", "{\"sub\":\"bad\\u0001id\",\"exp\":" + (NOW + 60) + "}", DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", "{\"sub\":\"" + "x".repeat(129) + "\",\"exp\":" + (NOW + 60) + "}", DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", "{\"sub\":42,\"exp\":" + (NOW + 60) + "}", DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", "{\"sub\":\"a\"}", DEMO_SECRET), 4001);
    }

    @Test
    void malformedClaimsGet4001() throws Exception {
        rejected(token("sk_id_demo", claims("\"channels\":\"room-1\""), DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", claims("\"channels\":[\"a\\\\q\"]"), DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", claims("\"channels\":[1]"), DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", claims("\"permissions\":[\"subscribe\",\"admin\"]"), DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", claims("\"permissions\":\"publish\""), DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", claims("\"peerMetadata\":[1]"), DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", claims("\"metadata\":\"x\""), DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", "{\"sub\":\"a\",\"sub\":\"b\",\"exp\":" + (NOW + 60) + "}", DEMO_SECRET), 4001);
    }

    @Test
    void oversizeMetadataClaimsGet4001() throws Exception {
        String justUnder = "{\"v\":\"" + "x".repeat(4096 - 8) + "\"}"; // 4096 bytes serialized
        granted(token("sk_id_demo", claims("\"peerMetadata\":" + justUnder), DEMO_SECRET));
        String over4k = "{\"v\":\"" + "x".repeat(4096) + "\"}";
        rejected(token("sk_id_demo", claims("\"peerMetadata\":" + over4k), DEMO_SECRET), 4001);
        granted(token("sk_id_demo", claims("\"metadata\":" + over4k), DEMO_SECRET));
        String over8k = "{\"v\":\"" + "x".repeat(8192) + "\"}";
        rejected(token("sk_id_demo", claims("\"metadata\":" + over8k), DEMO_SECRET), 4001);
    }

    @Test
    void disabledAppGets4012ForKeyAndToken() throws Exception {
        assertThat(auth.authenticate("pk_live_off", null, null))
                .isEqualTo(new AuthOutcome.Rejected(4012, "account suspended"));
        rejected(token("sk_id_off", claims(""), "sk_secret_off_0123456789"), 4012);
        // A forged token for a disabled app must not learn that it is disabled.
        rejected(token("sk_id_off", claims(""), "sk_secret_wrong_secret"), 4001);
    }

    @Test
    void credentialsMustBeExactlyOne() {
        assertThat(auth.authenticate(null, null, null)).isEqualTo(new AuthOutcome.Rejected(4001, "missing credentials"));
        assertThat(auth.authenticate("", "", null)).isEqualTo(new AuthOutcome.Rejected(4001, "missing credentials"));
        assertThat(auth.authenticate("pk_live_demo", "a.b.c", null))
                .isEqualTo(new AuthOutcome.Rejected(4001, "both key and token"));
    }

    @Test
    void publishableKeyGrantsAFreshAnonymousPeer() {
        Grant first = granted(auth.authenticate("pk_live_demo", null, null));
        Grant second = granted(auth.authenticate("pk_live_demo", null, null));

        assertThat(first.peerId()).matches("[0-9a-f-]{36}").isNotEqualTo(second.peerId());
        assertThat(first.app().id()).isEqualTo("demo");
        assertThat(first.actions()).containsExactlyInAnyOrder(Action.values());
        assertThat(first.channels().allows("any/thing")).isTrue();
        assertThat(first.expiresAtEpochSeconds()).isNull();
        assertThat(first.peerMetadataJson()).isNull();
        assertThat(first.metadataJson()).isNull();
        assertThat(first.credential()).isEqualTo("pk_live_demo");
        assertThat(first.access()).as("one Access per key, shared by its connections").isSameAs(second.access());
        rejected(auth.authenticate("pk_live_unknown", null, null), 4001);
    }

    @Test
    void originIsCheckedAgainstAllowedOrigins() {
        assertThat(auth.authenticate("pk_live_origin", null, "https://app.example.com")).isInstanceOf(AuthOutcome.Granted.class);
        assertThat(auth.authenticate("pk_live_origin", null, "https://APP.Example.com:443")).isInstanceOf(AuthOutcome.Granted.class);
        assertThat(auth.authenticate("pk_live_origin", null, "http://localhost:3000")).isInstanceOf(AuthOutcome.Granted.class);
        assertThat(auth.authenticate("pk_live_origin", null, null)).isInstanceOf(AuthOutcome.Granted.class);
        assertThat(auth.authenticate("pk_live_origin", null, "https://evil.example.com")).isEqualTo(new AuthOutcome.OriginRejected());
        assertThat(auth.authenticate("pk_live_origin", null, "http://localhost:3001")).isEqualTo(new AuthOutcome.OriginRejected());
        assertThat(auth.authenticate("pk_live_origin", null, "http://app.example.com")).isEqualTo(new AuthOutcome.OriginRejected());
        assertThat(auth.authenticate("pk_live_origin", null, "null")).isEqualTo(new AuthOutcome.OriginRejected());
        assertThat(auth.authenticate("pk_live_anyorigin", null, "https://evil.example.com")).isInstanceOf(AuthOutcome.Granted.class);
        assertThat(auth.authenticate("pk_live_demo", null, "https://evil.example.com")).isInstanceOf(AuthOutcome.Granted.class);
    }

    @Test
    void publishableKeyScopeComesFromTheKey() {
        Grant grant = granted(auth.authenticate("pk_live_origin", null, null));
        assertThat(grant.actions()).isEqualTo(EnumSet.of(Action.SUBSCRIBE, Action.PUBLISH, Action.PRESENCE));
        assertThat(grant.channels().allows("public/lobby")).isTrue();
        assertThat(grant.channels().allows("private/lobby")).isFalse();
    }

    @Test
    void anExpBeyondTheMaximumLifetimeGets4001InsteadOfBeingClamped() throws Exception {
        for (String exp : new String[] {"1e300", "9223372036854775807", "99999999999999999999", String.valueOf(NOW + 86_400 + 31)}) {
            AuthOutcome outcome = token("sk_id_demo", "{\"sub\":\"a\",\"exp\":" + exp + "}", DEMO_SECRET);
            assertThat(outcome).as("exp %s", exp).isEqualTo(new AuthOutcome.Rejected(4001, "token lifetime exceeds the maximum"));
        }
        // 24 h from now, within the 30 s skew
        granted(token("sk_id_demo", "{\"sub\":\"a\",\"exp\":" + (NOW + 86_400 + 29) + "}", DEMO_SECRET));
    }

    @Test
    void theLifetimeIsAlsoCountedFromIat() throws Exception {
        rejected(token("sk_id_demo", "{\"sub\":\"a\",\"iat\":" + (NOW - 3600) + ",\"exp\":" + (NOW + 86_400) + "}",
                DEMO_SECRET), 4001);
        rejected(token("sk_id_demo", "{\"sub\":\"a\",\"iat\":-1e300,\"exp\":" + (NOW + 60) + "}", DEMO_SECRET), 4001);
        granted(token("sk_id_demo", "{\"sub\":\"a\",\"iat\":" + (NOW - 3600) + ",\"exp\":" + (NOW + 82_800) + "}",
                DEMO_SECRET));
    }

    @Test
    void theMaximumLifetimeIsPerApp() throws Exception {
        var config = AuthFixtures.parse("""
                apps:
                  - id: short
                    secretKeys:
                      - id: sk_id_short
                        secret: sk_secret_short_0123456789
                    limits:
                      maxTokenLifetime: 15m
                """);
        Authenticator shortLived = new Authenticator(config, CLOCK);
        String ok = hs256(header("sk_id_short"), "{\"sub\":\"a\",\"exp\":" + (NOW + 900) + "}", "sk_secret_short_0123456789");
        String tooLong = hs256(header("sk_id_short"), "{\"sub\":\"a\",\"exp\":" + (NOW + 1000) + "}",
                "sk_secret_short_0123456789");
        granted(shortLived.authenticate(null, ok, null));
        rejected(shortLived.authenticate(null, tooLong, null), 4001);
    }

    @Test
    void nonCanonicalBase64UrlInAnySegmentGets4001() throws Exception {
        String jwt = hs256(header("sk_id_demo"), claims(""), DEMO_SECRET);
        granted(auth.authenticate(null, jwt, null));
        String[] parts = jwt.split("\\.");
        for (int i = 0; i < 3; i++) {
            if (parts[i].length() % 4 == 0) {
                continue;
            }
            String[] copy = parts.clone();
            copy[i] = CanonicalBase64UrlTest.withSpareBitsSet(parts[i]);
            String tampered = String.join(".", copy);
            assertThat(auth.authenticate(null, tampered, null)).as("segment %d", i)
                    .isEqualTo(new AuthOutcome.Rejected(4001, "token encoding is not canonical base64url"));
        }
    }
}

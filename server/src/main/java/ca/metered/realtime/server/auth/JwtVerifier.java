package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.protocol.PeerIds;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.SecretKeyConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a {@code ?token=} JWT and turns its claims into a {@link Grant} (docs/protocol.md 6.3).
 * nimbus-jose-jwt parses and checks the JWS; {@link Hs256} supplies the HMAC so short
 * secrets work. Claims are read with Jackson from the verified payload so the metadata
 * objects keep their exact key order and number text.
 *
 * <p>Check order: structure, {@code alg}, {@code kid}, signature, then the app's status,
 * then claims. The app status comes after the signature so an unauthenticated caller cannot
 * probe whether an app is suspended. Never logs or echoes the token.
 *
 * <p>Immutable; thread-safe.
 */
final class JwtVerifier {
    /** The server closes 250 ms before {@code exp} (docs/protocol.md 4); a token that close is dead. */
    static final long EXPIRY_MARGIN_MILLIS = 250;
    /** Clock skew tolerated on {@code nbf} and {@code iat}, not on {@code exp} (docs/protocol.md 6.3). */
    static final long SKEW_MILLIS = 30_000;

    private static final AuthOutcome.Rejected INVALID = invalid("invalid token");

    record SigningKey(AppConfig app, SecretKeyConfig key, Hs256 hmac) {
    }

    private final Map<String, SigningKey> keysById;
    private final Clock clock;

    JwtVerifier(Map<String, SigningKey> keysById, Clock clock) {
        this.keysById = Map.copyOf(keysById);
        this.clock = clock;
    }

    AuthOutcome verify(String token) {
        if (!CanonicalBase64Url.isCanonicalJws(token)) {
            return invalid("token encoding is not canonical base64url");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            // alg "none" lands here too: nimbus refuses to parse it as a JWS header.
            return INVALID;
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            return invalid("unsupported alg");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return invalid("unsupported crit header");
        }
        SigningKey signingKey = header.getKeyID() == null ? null : keysById.get(header.getKeyID());
        if (signingKey == null) {
            return invalid("unknown kid");
        }
        try {
            if (!jwt.verify(signingKey.hmac())) {
                return invalid("bad signature");
            }
        } catch (JOSEException | RuntimeException e) {
            return INVALID;
        }
        if (!signingKey.app().enabled()) {
            return new AuthOutcome.Rejected(CloseCode.ACCOUNT_SUSPENDED.code(), "account suspended");
        }
        JsonNode claims;
        try {
            claims = ClaimJson.parse(jwt.getPayload().toString());
        } catch (JsonProcessingException e) {
            return invalid("invalid claims");
        }
        if (claims == null || !claims.isObject()) {
            return invalid("invalid claims");
        }
        return grant(signingKey, claims);
    }

    private AuthOutcome grant(SigningKey signingKey, JsonNode claims) {
        JsonNode sub = claims.get("sub");
        if (sub == null || !sub.isTextual() || !PeerIds.isValid(sub.textValue())) {
            return invalid("invalid sub");
        }
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.isNumber()) {
            return invalid("missing exp");
        }
        long now = clock.millis();
        long expMillis = epochMillis(exp);
        if (now >= expMillis - EXPIRY_MARGIN_MILLIS) {
            return new AuthOutcome.Rejected(CloseCode.TOKEN_EXPIRED.code(), "token expired");
        }
        if (claimsTooLong(expMillis, claims.get("iat"), now, signingKey.app().limits().maxTokenLifetime().toMillis())) {
            return invalid("token lifetime exceeds the maximum");
        }
        if (inFuture(claims.get("nbf"), now)) {
            return invalid("token not yet valid");
        }
        if (inFuture(claims.get("iat"), now)) {
            return invalid("iat in the future");
        }
        SecretKeyConfig key = signingKey.key();
        ChannelScope scope = ChannelScope.of(key.channels());
        if (claims.has("channels")) {
            List<ChannelPattern> channels = patterns(claims.get("channels"));
            if (channels == null) {
                return invalid("invalid channels claim");
            }
            scope = scope.intersect(channels);
        }
        Set<Action> actions = EnumSet.noneOf(Action.class);
        actions.addAll(key.actions());
        if (claims.has("permissions")) {
            Set<Action> permissions = actions(claims.get("permissions"));
            if (permissions == null) {
                return invalid("invalid permissions claim");
            }
            actions.retainAll(permissions);
        }
        String peerMetadata = null;
        if (claims.has("peerMetadata")) {
            peerMetadata = ClaimJson.compactObject(claims.get("peerMetadata"), ClaimJson.MAX_PEER_METADATA_BYTES);
            if (peerMetadata == null) {
                return invalid("invalid peerMetadata claim");
            }
        }
        String metadata = null;
        if (claims.has("metadata")) {
            metadata = ClaimJson.compactObject(claims.get("metadata"), ClaimJson.MAX_METADATA_BYTES);
            if (metadata == null) {
                return invalid("invalid metadata claim");
            }
        }
        return new AuthOutcome.Granted(new Grant(signingKey.app(), sub.textValue(), scope, actions,
                peerMetadata, metadata, epochSeconds(exp), signingKey.key().id()));
    }

    /**
     * Whether the token claims a lifetime over {@code maxMillis}: {@code exp} further than that
     * from now (skew allowed), or from its own {@code iat}. Refused rather than clamped, so an
     * absurd {@code exp} such as 1e300 never reaches {@code welcome.expiresAt}.
     */
    private static boolean claimsTooLong(long expMillis, JsonNode iat, long now, long maxMillis) {
        if (expMillis > now + maxMillis + SKEW_MILLIS) {
            return true;
        }
        // exp - maxMillis cannot overflow here: exp is within maxMillis + skew of now
        return iat != null && iat.isNumber() && expMillis - maxMillis > epochMillis(iat);
    }

    private static boolean inFuture(JsonNode numericDate, long now) {
        if (numericDate == null) {
            return false;
        }
        // A present but non-numeric nbf/iat cannot be honoured, so it counts as invalid.
        return !numericDate.isNumber() || epochMillis(numericDate) > now + SKEW_MILLIS;
    }

    private static List<ChannelPattern> patterns(JsonNode node) {
        if (!node.isArray()) {
            return null;
        }
        List<ChannelPattern> out = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                return null;
            }
            try {
                out.add(ChannelPattern.compile(element.textValue()));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return out;
    }

    private static Set<Action> actions(JsonNode node) {
        if (!node.isArray()) {
            return null;
        }
        Set<Action> out = EnumSet.noneOf(Action.class);
        for (JsonNode element : node) {
            Action action = element.isTextual() ? Action.fromWireName(element.textValue()).orElse(null) : null;
            if (action == null) {
                return null;
            }
            out.add(action);
        }
        return out;
    }

    /** NumericDate to epoch millis, saturating instead of overflowing on absurd values. */
    static long epochMillis(JsonNode numericDate) {
        double seconds = numericDate.doubleValue();
        if (seconds >= Long.MAX_VALUE / 1000.0) {
            return Long.MAX_VALUE;
        }
        if (seconds <= Long.MIN_VALUE / 1000.0) {
            return Long.MIN_VALUE;
        }
        if (numericDate.isIntegralNumber()) {
            return numericDate.longValue() * 1000;
        }
        return (long) Math.floor(seconds * 1000);
    }

    private static long epochSeconds(JsonNode numericDate) {
        return Math.floorDiv(epochMillis(numericDate), 1000);
    }

    private static AuthOutcome.Rejected invalid(String reason) {
        return new AuthOutcome.Rejected(CloseCode.INVALID_TOKEN.code(), reason);
    }
}

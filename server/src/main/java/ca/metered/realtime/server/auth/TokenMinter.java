package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.PeerIds;
import ca.metered.realtime.server.config.SecretKeyConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Mints HS256 JWTs with a secret key (docs/protocol.md 6.3, 7 {@code POST /v1/tokens}): the single
 * code path behind the REST endpoint and the {@code rms token} command. Tokens carry header
 * {@code {"alg":"HS256","typ":"JWT","kid":<key id>}} and claims {@code sub}, {@code iat},
 * {@code exp}, {@code permissions} (always written, defaulting to the key's actions) and
 * {@code channels}, {@code metadata}, {@code peerMetadata} when given. They verify with any
 * standard HS256 library, whatever the secret's length (see {@link Hs256}).
 *
 * <p>Immutable; thread-safe.
 */
public final class TokenMinter {
    public static final long DEFAULT_EXPIRES_IN_SEC = 3600;
    public static final long MAX_EXPIRES_IN_SEC = 86_400;
    public static final int MAX_CHANNELS = 100;
    public static final int MAX_PERMISSIONS = 16;

    private final Clock clock;

    public TokenMinter(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Validates {@code request} against {@code key}'s bounds and signs a token with it.
     *
     * @throws TokenRequestException if the request is invalid or exceeds the key's channels
     *     or actions
     */
    public MintedToken mint(SecretKeyConfig key, TokenRequest request) {
        return mint(key, request, Duration.ofSeconds(MAX_EXPIRES_IN_SEC));
    }

    /**
     * Like {@link #mint(SecretKeyConfig, TokenRequest)} for an app whose {@code maxTokenLifetime}
     * is {@code maxLifetime}: {@code expiresInSec} is also capped by it, so the server never mints
     * a token it would refuse at connect.
     */
    public MintedToken mint(SecretKeyConfig key, TokenRequest request, Duration maxLifetime) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(request, "request");
        if (!PeerIds.isValid(request.peerId())) {
            throw invalid("peerId is required and must be 1-128 printable ASCII characters");
        }
        long maxExpiresIn = Math.min(MAX_EXPIRES_IN_SEC, maxLifetime.toSeconds());
        long expiresIn = request.expiresInSec() == null ? Math.min(DEFAULT_EXPIRES_IN_SEC, maxExpiresIn)
                : request.expiresInSec();
        if (expiresIn < 1 || expiresIn > maxExpiresIn) {
            throw invalid("expiresInSec must be between 1 and " + maxExpiresIn);
        }
        long iat = clock.instant().getEpochSecond();
        long exp = iat + expiresIn;

        ObjectNode claims = ClaimJson.MAPPER.createObjectNode();
        claims.put("sub", request.peerId());
        claims.put("iat", iat);
        claims.put("exp", exp);
        if (request.channels() != null) {
            ArrayNode channels = claims.putArray("channels");
            checkedChannels(key, request.channels()).forEach(p -> channels.add(p.glob()));
        }
        ArrayNode permissions = claims.putArray("permissions");
        checkedPermissions(key, request.permissions()).forEach(a -> permissions.add(a.wireName()));
        putObject(claims, "metadata", request.metadata(), ClaimJson.MAX_METADATA_BYTES);
        putObject(claims, "peerMetadata", request.peerMetadata(), ClaimJson.MAX_PEER_METADATA_BYTES);

        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(JOSEObjectType.JWT)
                .keyID(key.id())
                .build();
        try {
            JWSObject jws = new JWSObject(header, new Payload(ClaimJson.MAPPER.writeValueAsString(claims)));
            jws.sign(new Hs256(key.secret()));
            return new MintedToken(jws.serialize(), exp);
        } catch (JOSEException | JsonProcessingException e) {
            throw new IllegalStateException("cannot sign token: " + e.getMessage(), e);
        }
    }

    private static List<ChannelPattern> checkedChannels(SecretKeyConfig key, List<String> channels) {
        if (channels.size() > MAX_CHANNELS) {
            throw invalid("channels: at most " + MAX_CHANNELS + " patterns");
        }
        return channels.stream().map(glob -> {
            ChannelPattern pattern;
            try {
                pattern = ChannelPattern.compile(glob);
            } catch (IllegalArgumentException e) {
                throw invalid("channels: " + e.getMessage());
            }
            if (key.channels().stream().noneMatch(k -> k.covers(pattern))) {
                throw new TokenRequestException(TokenRequestException.CHANNEL_NOT_AUTHORIZED,
                        "channel pattern '" + glob + "' is outside the secret key's channels");
            }
            return pattern;
        }).toList();
    }

    private static Set<Action> checkedPermissions(SecretKeyConfig key, List<String> names) {
        if (names == null) {
            return key.actions();
        }
        if (names.size() > MAX_PERMISSIONS) {
            throw invalid("permissions: at most " + MAX_PERMISSIONS + " entries");
        }
        Set<Action> out = EnumSet.noneOf(Action.class);
        for (String name : names) {
            Action action = Action.fromWireName(name).orElseThrow(() -> invalid("permissions: unknown action '"
                    + name + "' (expected subscribe, publish, presence or send)"));
            if (!key.actions().contains(action)) {
                throw new TokenRequestException(TokenRequestException.ACTION_NOT_PERMITTED,
                        "permission '" + name + "' is not among the secret key's actions");
            }
            out.add(action);
        }
        return out;
    }

    private static void putObject(ObjectNode claims, String name, JsonNode value, int maxBytes) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        if (!value.isObject()) {
            throw invalid(name + " must be a JSON object");
        }
        if (ClaimJson.compactObject(value, maxBytes) == null) {
            throw invalid(name + " must serialize to at most " + maxBytes + " bytes");
        }
        claims.set(name, value.deepCopy());
    }

    private static TokenRequestException invalid(String message) {
        return new TokenRequestException(TokenRequestException.INVALID_REQUEST, message);
    }
}

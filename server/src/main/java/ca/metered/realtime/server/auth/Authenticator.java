package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.PublishableKeyConfig;
import ca.metered.realtime.server.config.SecretKeyConfig;
import ca.metered.realtime.server.config.ServerConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Authenticates a WebSocket upgrade from its {@code key} or {@code token} query parameter and
 * {@code Origin} header (docs/protocol.md 1 and 6). Keys are indexed once per configuration: after a
 * reload the next handshake indexes the new one.
 *
 * <p>Thread-safe. Never logs credentials.
 */
public final class Authenticator {
    /** @param scope the key's channels, one object shared by every connection made with it */
    private record PublishableKey(AppConfig app, OriginMatcher origins, Access access) {
    }

    /** The keys of one configuration. */
    private record Index(ServerConfig config, Map<String, PublishableKey> publishableKeys, JwtVerifier jwtVerifier) {
    }

    private final Supplier<ServerConfig> config;
    private final Clock clock;
    private volatile Index index;

    /** @param config the configuration now (read at every handshake; re-indexed when it changes) */
    public Authenticator(Supplier<ServerConfig> config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A fixed configuration. */
    public Authenticator(ServerConfig config, Clock clock) {
        this(() -> config, clock);
    }

    private Index index() {
        ServerConfig now = config.get();
        Index i = index;
        if (i == null || i.config() != now) {
            i = build(now, clock); // racing threads may both build; either result is right
            index = i;
        }
        return i;
    }

    private static Index build(ServerConfig config, Clock clock) {
        Map<String, PublishableKey> pks = new HashMap<>();
        Map<String, JwtVerifier.SigningKey> sks = new HashMap<>();
        for (AppConfig app : config.apps()) {
            for (PublishableKeyConfig pk : app.publishableKeys()) {
                // One Access per key, shared by all its connections (each holds only its peerId).
                pks.put(pk.key(), new PublishableKey(app, new OriginMatcher(pk.allowedOrigins()),
                        new Access(app, ChannelScope.of(pk.channels()), pk.actions(), null, null, null, pk.key())));
            }
            for (SecretKeyConfig sk : app.secretKeys()) {
                sks.put(sk.id(), new JwtVerifier.SigningKey(app, sk, new Hs256(sk.secret())));
            }
        }
        return new Index(config, Map.copyOf(pks), new JwtVerifier(sks, clock));
    }

    /**
     * Decides one upgrade request. An empty parameter counts as absent.
     *
     * @param key the {@code key} query parameter, or null
     * @param token the {@code token} query parameter, or null
     * @param origin the {@code Origin} header, or null when the client sent none
     */
    public AuthOutcome authenticate(String key, String token, String origin) {
        boolean hasKey = key != null && !key.isEmpty();
        boolean hasToken = token != null && !token.isEmpty();
        if (hasKey == hasToken) {
            // docs/protocol.md 1 [ours]: exactly one credential.
            return invalid(hasKey ? "both key and token" : "missing credentials");
        }
        Index i = index();
        return hasKey ? publishableKey(i, key, origin) : i.jwtVerifier().verify(token);
    }

    /**
     * Decides an in-band token refresh (docs/protocol.md 9) for a connection holding {@code current}:
     * the token must verify as at connect (signature, {@code kid}, {@code exp}, lifetime, claims),
     * be signed with the same secret key of the same app for the same {@code sub}, and grant
     * exactly the same channels and actions, no more (a refresh never widens a connection) and no
     * fewer (what a connection already subscribed to stays authorized). Its {@code peerMetadata}
     * and {@code metadata} are not applied: the other members saw the connection's at its join.
     */
    public RefreshOutcome refresh(Grant current, String token) {
        if (current.secretKeyId() == null) {
            return new RefreshOutcome.Refused(ErrorCode.REFRESH_NOT_ALLOWED,
                    "this connection was opened with a publishable key; there is no token to refresh");
        }
        AuthOutcome verified = index().jwtVerifier().verify(token);
        if (!(verified instanceof AuthOutcome.Granted granted)) {
            String reason = verified instanceof AuthOutcome.Rejected r ? r.reason() : "invalid token";
            return new RefreshOutcome.Refused(ErrorCode.INVALID_TOKEN, "token refused: " + reason);
        }
        Grant fresh = granted.grant();
        if (!fresh.app().id().equals(current.app().id()) || !fresh.secretKeyId().equals(current.secretKeyId())) {
            return new RefreshOutcome.Refused(ErrorCode.TOKEN_MISMATCH,
                    "the token must be signed with the connection's secret key (kid " + current.secretKeyId() + ")");
        }
        if (!fresh.peerId().equals(current.peerId())) {
            return new RefreshOutcome.Refused(ErrorCode.TOKEN_MISMATCH,
                    "the token's sub must be the connection's peerId");
        }
        if (!fresh.channels().sameAs(current.channels()) || !fresh.actions().equals(current.actions())) {
            return new RefreshOutcome.Refused(ErrorCode.PERMISSIONS_MISMATCH,
                    "the token must grant the same channels and permissions as the connection's");
        }
        return new RefreshOutcome.Refreshed(current.withExpiry(fresh.expiresAtEpochSeconds()));
    }

    private AuthOutcome publishableKey(Index index, String key, String origin) {
        PublishableKey pk = index.publishableKeys().get(key);
        if (pk == null) {
            return invalid("unknown key");
        }
        if (!pk.app().enabled()) {
            return new AuthOutcome.Rejected(CloseCode.ACCOUNT_SUSPENDED.code(), "account suspended");
        }
        if (!pk.origins().allows(origin)) {
            return new AuthOutcome.OriginRejected();
        }
        // docs/protocol.md 6.1: every pk connection is a new anonymous peer.
        return new AuthOutcome.Granted(new Grant(UUID.randomUUID().toString(), pk.access()));
    }

    private static AuthOutcome.Rejected invalid(String reason) {
        return new AuthOutcome.Rejected(CloseCode.INVALID_TOKEN.code(), reason);
    }
}

package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.PublishableKeyConfig;
import ca.metered.realtime.server.config.SecretKeyConfig;
import ca.metered.realtime.server.config.ServerConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Authenticates a WebSocket upgrade from its {@code key} or {@code token} query parameter and
 * {@code Origin} header (protocol.md 1 and 6). Keys are indexed once at construction; a config
 * reload means a new instance.
 *
 * <p>Immutable; thread-safe. Never logs credentials.
 */
public final class Authenticator {
    private record PublishableKey(AppConfig app, PublishableKeyConfig key, OriginMatcher origins) {
    }

    private final Map<String, PublishableKey> publishableKeys;
    private final JwtVerifier jwtVerifier;

    public Authenticator(ServerConfig config, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        Map<String, PublishableKey> pks = new HashMap<>();
        Map<String, JwtVerifier.SigningKey> sks = new HashMap<>();
        for (AppConfig app : config.apps()) {
            for (PublishableKeyConfig pk : app.publishableKeys()) {
                pks.put(pk.key(), new PublishableKey(app, pk, new OriginMatcher(pk.allowedOrigins())));
            }
            for (SecretKeyConfig sk : app.secretKeys()) {
                sks.put(sk.id(), new JwtVerifier.SigningKey(app, sk, new Hs256(sk.secret())));
            }
        }
        this.publishableKeys = Map.copyOf(pks);
        this.jwtVerifier = new JwtVerifier(sks, clock);
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
            // protocol.md 1 [ours]: exactly one credential.
            return invalid(hasKey ? "both key and token" : "missing credentials");
        }
        return hasKey ? publishableKey(key, origin) : jwtVerifier.verify(token);
    }

    private AuthOutcome publishableKey(String key, String origin) {
        PublishableKey pk = publishableKeys.get(key);
        if (pk == null) {
            return invalid("unknown key");
        }
        if (!pk.app().enabled()) {
            return new AuthOutcome.Rejected(CloseCode.ACCOUNT_SUSPENDED.code(), "account suspended");
        }
        if (!pk.origins().allows(origin)) {
            return new AuthOutcome.OriginRejected();
        }
        // protocol.md 6.1: every pk connection is a new anonymous peer.
        return new AuthOutcome.Granted(new Grant(pk.app(), UUID.randomUUID().toString(),
                ChannelScope.of(pk.key().channels()), pk.key().actions(), null, null, null));
    }

    private static AuthOutcome.Rejected invalid(String reason) {
        return new AuthOutcome.Rejected(CloseCode.INVALID_TOKEN.code(), reason);
    }
}

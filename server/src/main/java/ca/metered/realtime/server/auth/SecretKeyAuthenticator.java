package ca.metered.realtime.server.auth;

import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.SecretKeyConfig;
import ca.metered.realtime.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Authenticates REST requests from {@code Authorization: Bearer sk_id_…:sk_secret_…}
 * (docs/protocol.md 7). Every failure looks the same (empty), to avoid key enumeration: a pk key,
 * an id without its secret, an unknown id and a wrong secret. Secrets are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, so the comparison time reveals neither a
 * matching prefix nor the secret's length, and an unknown id costs the same as a known one.
 * A key of a disabled app does not authenticate: a suspended app must not mint tokens.
 *
 * <p>Thread-safe. Keys are indexed once per configuration (after a reload, at the next request).
 */
public final class SecretKeyAuthenticator {
    private static final String BEARER = "bearer ";
    private static final byte[] NO_SUCH_KEY = sha256("no such key");

    private record Entry(AppAndKey appAndKey, byte[] secretDigest) {
    }

    private record Index(ServerConfig config, Map<String, Entry> byId) {
    }

    private final Supplier<ServerConfig> config;
    private volatile Index index;

    /** @param config the configuration now (read at every request; re-indexed when it changes) */
    public SecretKeyAuthenticator(Supplier<ServerConfig> config) {
        this.config = config;
    }

    /** A fixed configuration. */
    public SecretKeyAuthenticator(ServerConfig config) {
        this(() -> config);
    }

    private Map<String, Entry> byId() {
        ServerConfig now = config.get();
        Index i = index;
        if (i == null || i.config() != now) {
            Map<String, Entry> entries = new HashMap<>();
            for (AppConfig app : now.apps()) {
                for (SecretKeyConfig key : app.secretKeys()) {
                    entries.put(key.id(), new Entry(new AppAndKey(app, key), sha256(key.secret())));
                }
            }
            i = new Index(now, Map.copyOf(entries));
            index = i;
        }
        return i.byId();
    }

    /** The app and key for a valid header; empty for a missing, malformed or wrong one. */
    public Optional<AppAndKey> authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() <= BEARER.length()
                || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String credentials = authorizationHeader.substring(BEARER.length()).trim();
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        Entry entry = byId().get(credentials.substring(0, colon));
        byte[] given = sha256(credentials.substring(colon + 1));
        boolean match = MessageDigest.isEqual(given, entry == null ? NO_SUCH_KEY : entry.secretDigest());
        if (entry == null || !match || !entry.appAndKey().app().enabled()) {
            return Optional.empty();
        }
        return Optional.of(entry.appAndKey());
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}

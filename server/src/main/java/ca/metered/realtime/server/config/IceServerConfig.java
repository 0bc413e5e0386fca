package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One configured ICE server entry, handed to WebRTC clients in {@code welcome.metadata.iceServers}
 * (docs/turn.md). A STUN entry is passed on as given. An entry with TURN URLs carries the coturn
 * {@code static-auth-secret} and a credential lifetime instead of a username and password: rms
 * mints a fresh credential for every connection from them (coturn's {@code use-auth-secret}
 * scheme), so no TURN password is ever stored here or shared between peers.
 *
 * <p>Immutable; thread-safe. {@link #toString()} never shows the secret.
 *
 * @param urls one or more {@code stun:}, {@code stuns:}, {@code turn:} or {@code turns:} URLs
 * @param secret the shared secret of the TURN server; null exactly when no URL is a TURN URL
 * @param ttl how long minted credentials stay valid; null exactly when {@code secret} is
 */
public record IceServerConfig(List<String> urls, String secret, Duration ttl) {
    /** Credential lifetime when none is configured: the TURN REST API draft's recommended day. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /** Longest credential lifetime accepted. */
    public static final Duration MAX_TTL = Duration.ofDays(7);
    /** The SDKs drop the whole list when it has more entries (docs/sdk-behaviour.md 9, fail-closed). */
    public static final int MAX_ENTRIES = 16;
    /** The SDKs drop the whole list when one URL is longer (docs/sdk-behaviour.md 9). */
    public static final int MAX_URL_LENGTH = 512;

    public IceServerConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("urls must not be empty");
        }
        if ((secret == null) != (ttl == null)) {
            throw new IllegalArgumentException("secret and ttl go together");
        }
        if (isTurn(urls) != (secret != null)) {
            throw new IllegalArgumentException("a secret exactly when an URL is turn: or turns:");
        }
    }

    /** A STUN entry. */
    public static IceServerConfig stun(List<String> urls) {
        return new IceServerConfig(urls, null, null);
    }

    /** Whether clients get a minted username and credential with this entry. */
    public boolean mintsCredentials() {
        return secret != null;
    }

    /** Whether any of {@code urls} is a TURN URL ({@code turn:} or {@code turns:}, any case). */
    public static boolean isTurn(List<String> urls) {
        return urls.stream().anyMatch(u -> u.toLowerCase(Locale.ROOT).startsWith("turn"));
    }

    @Override
    public String toString() {
        return "IceServerConfig[urls=" + urls + (secret == null ? "" : ", secret=***, ttl=" + ttl) + "]";
    }
}

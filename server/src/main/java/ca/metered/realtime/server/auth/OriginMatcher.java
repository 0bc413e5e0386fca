package ca.metered.realtime.server.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A publishable key's {@code allowedOrigins} check (docs/protocol.md 1). Origins compare as
 * {@code scheme://host[:port]}: scheme and host case-insensitively, and a default port
 * ({@code :80} for http, {@code :443} for https) equal to no port, because browsers omit it.
 * An empty list or a {@code *} entry allows any origin; a request without {@code Origin}
 * (a non-browser client) is allowed.
 *
 * <p>Immutable; thread-safe.
 */
final class OriginMatcher {
    private final boolean any;
    private final Set<String> allowed;

    OriginMatcher(List<String> allowedOrigins) {
        this.any = allowedOrigins.isEmpty() || allowedOrigins.contains("*");
        this.allowed = allowedOrigins.stream().map(OriginMatcher::normalize).collect(Collectors.toUnmodifiableSet());
    }

    boolean allows(String origin) {
        return any || origin == null || allowed.contains(normalize(origin));
    }

    static String normalize(String origin) {
        String trimmed = origin.trim();
        try {
            URI uri = new URI(trimmed);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return trimmed.toLowerCase(Locale.ROOT);
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = (port == 80 && scheme.equals("http")) || (port == 443 && scheme.equals("https"));
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            return scheme + "://" + host + (port < 0 || defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            // Not a URL (e.g. the literal "null" of sandboxed frames): compare as text.
            return trimmed.toLowerCase(Locale.ROOT);
        }
    }
}

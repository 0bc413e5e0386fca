package ca.metered.realtime.server.metrics;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may read {@code GET /metrics} (docs/operations.md "Metrics"). On the main port a loopback
 * client needs nothing and anyone else needs {@code Authorization: Bearer <metrics.bearerToken>};
 * with no token configured, only loopback clients are served. On the separate metrics port
 * ({@code metrics.port}) the token, when configured, is required from everyone, loopback
 * included; without one the port is open to whoever can reach it.
 *
 * <p>The client is the address the transport resolved: behind a trusted proxy, the proxy's
 * {@code X-Forwarded-For}, so a reverse proxy on the same host does not make every outside
 * scraper a loopback client.
 *
 * <p>Immutable; thread-safe.
 */
public final class MetricsAccess {
    private final Optional<byte[]> token;
    private final boolean loopbackFree;

    /** What the endpoint answers. */
    public enum Decision {
        /** 200 with the scrape. */
        ALLOWED,
        /** 401 with {@code WWW-Authenticate: Bearer}: a token is configured, and none or a wrong one was sent. */
        UNAUTHORIZED,
        /** 403: no token is configured, so only loopback clients are served. */
        FORBIDDEN
    }

    private MetricsAccess(Optional<String> token, boolean loopbackFree) {
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.loopbackFree = loopbackFree;
    }

    /** The rule of the main port. */
    public static MetricsAccess mainPort(Optional<String> bearerToken) {
        return new MetricsAccess(bearerToken, true);
    }

    /** The rule of the separate metrics listener. */
    public static MetricsAccess separatePort(Optional<String> bearerToken) {
        return new MetricsAccess(bearerToken, false);
    }

    /**
     * @param client the client's address as resolved by the transport; empty when unknown (a
     *     proxy forwarded something that is not an address), which counts as not loopback
     * @param authorization the {@code Authorization} header, or null
     */
    public Decision check(Optional<InetAddress> client, String authorization) {
        if (loopbackFree && client.map(InetAddress::isLoopbackAddress).orElse(false)) {
            return Decision.ALLOWED;
        }
        if (token.isEmpty()) {
            return loopbackFree ? Decision.FORBIDDEN : Decision.ALLOWED;
        }
        return presents(authorization, token.get()) ? Decision.ALLOWED : Decision.UNAUTHORIZED;
    }

    private static boolean presents(String authorization, byte[] expected) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // Constant time in the token's content, so timing does not reveal a matching prefix.
        return MessageDigest.isEqual(given, expected);
    }
}

package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on connections before they upgrade to WebSocket (YAML section
 * {@code server.connections}): HTTP requests, REST calls, health probes and upgrades in
 * progress. Such a connection has proven nothing yet, so it may hold a descriptor only briefly
 * and only a share of them (docs/security.md).
 *
 * <p>Immutable; thread-safe.
 *
 * @param requestTimeout a request must arrive complete (TLS handshake included) within this of
 *     the connect or of the previous response, else the connection is closed; default 10 s
 * @param maxPending connections not yet upgraded, server-wide; past it the oldest idle one is
 *     closed for the new one. 0 derives it from the process's open-files limit: half of
 *     (limit − {@code fdReserve}); default 0
 * @param maxPendingPerIp connections not yet upgraded per source address; over it a new one
 *     is closed at once. Trusted proxies are exempt; default 64
 * @param fdReserve descriptors never used for client connections (the JVM, Redis, log files,
 *     and room for health checks): connections are capped at the open-files limit minus this;
 *     default 128
 */
public record ConnectionLimits(Duration requestTimeout, int maxPending, int maxPendingPerIp, int fdReserve) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_PENDING_PER_IP = 64;
    public static final int DEFAULT_FD_RESERVE = 128;

    public ConnectionLimits {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    public static ConnectionLimits defaults() {
        return new ConnectionLimits(DEFAULT_REQUEST_TIMEOUT, 0, DEFAULT_MAX_PENDING_PER_IP, DEFAULT_FD_RESERVE);
    }
}

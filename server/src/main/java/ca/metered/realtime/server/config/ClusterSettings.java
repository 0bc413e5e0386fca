package ca.metered.realtime.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code cluster} section: the Redis every node of one cluster points at (docs/clustering.md).
 * Without the section a node runs alone with the in-memory backplane.
 *
 * <p>Immutable; thread-safe.
 *
 * @param redis             {@code redis://host:port} or {@code rediss://host:port} (TLS); a path
 *                          {@code /N} selects a database
 * @param password          Redis {@code AUTH} password (also accepted inside the URI)
 * @param database          database index; default 0
 * @param tls               force TLS even for a {@code redis://} URI
 * @param keyPrefix         prefix of every key and pub/sub topic; default {@code rms:}
 * @param heartbeatInterval how often a node proves it is alive; default 2 s
 * @param nodeTimeout       a node silent this long is declared dead and its peers removed; default 10 s
 * @param reconnectDelay    wait between attempts to reconnect to Redis; default 300 ms
 * @param commandTimeout    a Redis command (and a connection attempt) not answered within this
 *                          fails ({@code backend_error}); default 5 s
 * @param reassertDelay     after the pub/sub connection is back, wait this long for the other
 *                          nodes to re-subscribe before re-asserting this node's state; default 500 ms
 * @param leaveTimeout      on graceful shutdown, how long to wait for Redis to take this node's
 *                          peers off (otherwise the others reap it after {@code nodeTimeout}); default 3 s
 */
public record ClusterSettings(URI redis, Optional<String> password, int database, boolean tls,
                              String keyPrefix, Duration heartbeatInterval, Duration nodeTimeout,
                              Duration reconnectDelay, Duration commandTimeout, Duration reassertDelay,
                              Duration leaveTimeout) {
    public static final String DEFAULT_KEY_PREFIX = "rms:";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofMillis(300);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REASSERT_DELAY = Duration.ofMillis(500);
    public static final Duration DEFAULT_LEAVE_TIMEOUT = Duration.ofSeconds(3);

    public ClusterSettings {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(nodeTimeout, "nodeTimeout");
        Objects.requireNonNull(reconnectDelay, "reconnectDelay");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(reassertDelay, "reassertDelay");
        Objects.requireNonNull(leaveTimeout, "leaveTimeout");
    }

    /** The connection and liveness settings, with the Redis client timings at their defaults. */
    public ClusterSettings(URI redis, Optional<String> password, int database, boolean tls, String keyPrefix,
                           Duration heartbeatInterval, Duration nodeTimeout) {
        this(redis, password, database, tls, keyPrefix, heartbeatInterval, nodeTimeout, DEFAULT_RECONNECT_DELAY,
                DEFAULT_COMMAND_TIMEOUT, DEFAULT_REASSERT_DELAY, DEFAULT_LEAVE_TIMEOUT);
    }

    /** Defaults for everything but the URI; for tests and embedding. */
    public static ClusterSettings of(URI redis) {
        return new ClusterSettings(redis, Optional.empty(), 0, false, DEFAULT_KEY_PREFIX, DEFAULT_HEARTBEAT,
                DEFAULT_NODE_TIMEOUT);
    }

    public ClusterSettings withTimings(Duration heartbeat, Duration timeout) {
        return new ClusterSettings(redis, password, database, tls, keyPrefix, heartbeat, timeout, reconnectDelay,
                commandTimeout, reassertDelay, leaveTimeout);
    }

    public ClusterSettings withKeyPrefix(String prefix) {
        return new ClusterSettings(redis, password, database, tls, prefix, heartbeatInterval, nodeTimeout,
                reconnectDelay, commandTimeout, reassertDelay, leaveTimeout);
    }
}

package ca.metered.realtime.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/**
 * Binds and validates the optional {@code cluster} section into {@link ClusterSettings}.
 *
 * <p>Stateless; thread-safe.
 */
final class ClusterBinder {
    private ClusterBinder() {
    }

    static Optional<ClusterSettings> bind(ConfigNode cluster) throws ConfigException {
        if (!cluster.isPresent()) {
            return Optional.empty();
        }
        ConfigNode redisNode = cluster.field("redis");
        if (!redisNode.isPresent()) {
            throw redisNode.error("required when cluster is configured (e.g. redis://127.0.0.1:6379)");
        }
        URI redis;
        try {
            redis = new URI(redisNode.text().trim());
        } catch (URISyntaxException e) {
            throw redisNode.error("not a valid URI: " + e.getMessage());
        }
        if (!"redis".equals(redis.getScheme()) && !"rediss".equals(redis.getScheme())) {
            throw redisNode.error("must start with redis:// or rediss://");
        }
        if (redis.getHost() == null || redis.getHost().isBlank()) {
            throw redisNode.error("must name a host, e.g. redis://127.0.0.1:6379");
        }
        ConfigNode pw = cluster.field("password");
        Optional<String> password = pw.isPresent() ? Optional.of(pw.text()) : Optional.empty();
        int database = cluster.field("database").intValue(0, 1_000_000, 0);
        boolean tls = cluster.field("tls").bool(false);
        String prefix = cluster.field("keyPrefix").text(ClusterSettings.DEFAULT_KEY_PREFIX);
        if (prefix.isEmpty() || prefix.chars().anyMatch(c -> c < 0x21 || c > 0x7e || "*?[]\\".indexOf(c) >= 0)) {
            throw cluster.field("keyPrefix").error("must be non-empty printable ASCII without spaces or *?[]\\");
        }
        Duration heartbeat = positive(cluster.field("heartbeatInterval"), ClusterSettings.DEFAULT_HEARTBEAT);
        Duration timeout = positive(cluster.field("nodeTimeout"), ClusterSettings.DEFAULT_NODE_TIMEOUT);
        if (timeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw cluster.field("nodeTimeout").error("must be at least twice heartbeatInterval");
        }
        Duration reconnect = positive(cluster.field("reconnectDelay"), ClusterSettings.DEFAULT_RECONNECT_DELAY);
        Duration command = positive(cluster.field("commandTimeout"), ClusterSettings.DEFAULT_COMMAND_TIMEOUT);
        Duration reassert = positive(cluster.field("reassertDelay"), ClusterSettings.DEFAULT_REASSERT_DELAY);
        Duration leave = positive(cluster.field("leaveTimeout"), ClusterSettings.DEFAULT_LEAVE_TIMEOUT);
        cluster.rejectUnknownFields();
        return Optional.of(new ClusterSettings(redis, password, database, tls, prefix, heartbeat, timeout, reconnect,
                command, reassert, leave));
    }

    private static Duration positive(ConfigNode node, Duration defaultValue) throws ConfigException {
        Duration d = node.duration(defaultValue);
        if (d.isZero()) {
            throw node.error("must be > 0");
        }
        return d;
    }
}

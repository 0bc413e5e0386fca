package ca.metered.realtime.server.webhook.redis;

import ca.metered.realtime.server.cluster.redis.RedisClients;
import ca.metered.realtime.server.config.ClusterSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.util.concurrent.TimeUnit;

/**
 * A Redis client of the webhooks' own, set up like the backplane's ({@link RedisClients}) but
 * speaking RESP3, on threads of its own so that callbacks of the backplane's client can issue
 * webhook commands in order.
 *
 * <p>RESP3 because Lettuce 7.1–7.5 decode an {@code XREAD} of several entries into one malformed
 * message over RESP2 (lettuce issue #3800); RESP3 needs Redis 6 or newer.
 *
 * <p>Thread-safe.
 */
final class RedisConnections implements AutoCloseable {
    private final ClusterSettings settings;
    private final ClientResources resources;
    private final RedisClient client;

    private RedisConnections(ClusterSettings settings) {
        this.settings = settings;
        this.resources = RedisClients.resources(settings);
        this.client = RedisClients.create(settings, resources, ProtocolVersion.RESP3);
    }

    static RedisConnections create(ClusterSettings settings) {
        return new RedisConnections(settings);
    }

    /**
     * @throws ca.metered.realtime.server.cluster.BackplaneUnavailableException with a one-line
     *     reason when Redis is unreachable
     */
    StatefulRedisConnection<String, String> open() {
        try {
            return client.connect();
        } catch (RedisException e) {
            throw RedisClients.unreachable(settings, e);
        }
    }

    @Override
    public void close() {
        // In this order, waiting: a reconnect still pending must find its client gone, not its timer.
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}

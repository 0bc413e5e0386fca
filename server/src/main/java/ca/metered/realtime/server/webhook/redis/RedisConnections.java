package ca.metered.realtime.server.webhook.redis;

import ca.metered.realtime.server.cluster.BackplaneUnavailableException;
import ca.metered.realtime.server.config.ClusterSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A Redis client of the webhooks' own, set up like the backplane's (same URI, credentials,
 * timeouts, reconnect delay; commands fail fast while disconnected) but speaking RESP3, on
 * threads of its own so that callbacks of the backplane's client can issue webhook commands in
 * order.
 *
 * <p>Thread-safe.
 */
final class RedisConnections implements AutoCloseable {
    // The backplane's defaults (docs/clustering.md).
    private static final java.time.Duration RECONNECT_DELAY = java.time.Duration.ofMillis(300);
    private static final java.time.Duration COMMAND_TIMEOUT = java.time.Duration.ofSeconds(5);
    private final ClusterSettings settings;
    private final ClientResources resources;
    private final RedisClient client;

    private RedisConnections(ClusterSettings settings) {
        this.settings = settings;
        this.resources = ClientResources.builder().reconnectDelay(Delay.constant(RECONNECT_DELAY)).build();
        this.client = RedisClient.create(resources, uri(settings));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // RESP3, unlike the backplane: Lettuce 7.1–7.5 decode an XREAD of several entries
                // into one malformed message over RESP2 (lettuce issue #3800). Needs Redis 6+.
                .protocolVersion(ProtocolVersion.RESP3)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
    }

    static RedisConnections create(ClusterSettings settings) {
        return new RedisConnections(settings);
    }

    /**
     * @throws BackplaneUnavailableException with a one-line reason when Redis is unreachable
     */
    StatefulRedisConnection<String, String> open() {
        try {
            return client.connect();
        } catch (RedisException e) {
            URI u = settings.redis();
            throw new BackplaneUnavailableException("cannot connect to Redis at " + u.getScheme() + "://"
                    + u.getHost() + ":" + (u.getPort() < 0 ? 6379 : u.getPort()) + ": " + rootMessage(e), e);
        }
    }

    @Override
    public void close() {
        client.shutdownAsync(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private static RedisURI uri(ClusterSettings s) {
        RedisURI uri = RedisURI.create(s.redis());
        s.password().ifPresent(pw -> uri.setCredentialsProvider(new StaticCredentialsProvider(null, pw.toCharArray())));
        if (s.database() != 0) {
            uri.setDatabase(s.database());
        }
        if (s.tls()) {
            uri.setSsl(true);
        }
        uri.setTimeout(COMMAND_TIMEOUT);
        return uri;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}

package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.server.cluster.BackplaneUnavailableException;
import ca.metered.realtime.server.config.ClusterSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;

/**
 * Redis clients for the cluster's Redis, set up one way for everyone who talks to it (the
 * backplane, the webhooks): the URI, credentials, database and TLS of the {@code cluster}
 * section, commands that fail fast while disconnected, the configured command timeout and
 * reconnect delay.
 *
 * <p>Stateless; thread-safe.
 */
public final class RedisClients {
    private RedisClients() {
    }

    /** Threads and timers of one client; shut down with it. */
    public static ClientResources resources(ClusterSettings s) {
        return ClientResources.builder().reconnectDelay(Delay.constant(s.reconnectDelay())).build();
    }

    public static RedisClient create(ClusterSettings s, ClientResources resources, ProtocolVersion protocol) {
        RedisClient client = RedisClient.create(resources, uri(s));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .protocolVersion(protocol)
                .timeoutOptions(TimeoutOptions.enabled(s.commandTimeout()))
                .build());
        return client;
    }

    /** The one-line error of a Redis that cannot be reached now. */
    public static BackplaneUnavailableException unreachable(ClusterSettings s, RuntimeException e) {
        URI u = s.redis();
        return new BackplaneUnavailableException("cannot connect to Redis at " + u.getScheme() + "://"
                + u.getHost() + ":" + (u.getPort() < 0 ? 6379 : u.getPort()) + ": " + rootMessage(e), e);
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
        uri.setTimeout(s.commandTimeout());
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

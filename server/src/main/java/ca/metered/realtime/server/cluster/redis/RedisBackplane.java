package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.server.cluster.BackplaneUnavailableException;
import ca.metered.realtime.server.cluster.Backplane;
import ca.metered.realtime.server.config.ClusterSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis backplane of one node: one command connection (pipelined; per-node order kept),
 * one pub/sub connection, and the four seams built on them. The only place besides its
 * package-private parts that knows Redis.
 *
 * <p>Commands fail fast while Redis is unreachable ({@code backend_error}); Lettuce reconnects
 * with a capped backoff and re-subscribes, and {@link NodeLiveness} re-asserts this node's
 * state once the pub/sub connection is back.
 *
 * <p>Thread-safe.
 */
public final class RedisBackplane {
    private static final Logger log = LoggerFactory.getLogger(RedisBackplane.class);

    /** A broker that can stop like a killed process: no cleanup reaches Redis (tests). */
    public interface Crashable {
        void crash();
    }

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final RedisKeys keys;
    private final Scripts scripts;
    private final NodeLiveness liveness;
    private final RedisBroker broker;
    private final Backplane seams;

    private RedisBackplane(ClusterSettings settings, String nodeId, List<String> appIds, Clock clock) {
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.constant(Duration.ofMillis(300)))
                .build();
        this.client = RedisClient.create(resources, uri(settings));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .protocolVersion(ProtocolVersion.RESP2)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5)))
                .build());
        this.keys = new RedisKeys(settings.keyPrefix());
        try {
            this.commands = client.connect();
            this.pubsub = client.connectPubSub();
        } catch (io.lettuce.core.RedisException e) {
            client.shutdown();
            resources.shutdown();
            java.net.URI u = settings.redis();
            throw new BackplaneUnavailableException("cannot connect to Redis at " + u.getScheme() + "://"
                    + u.getHost() + ":" + (u.getPort() < 0 ? 6379 : u.getPort()) + ": " + rootMessage(e), e);
        }
        this.scripts = new Scripts(commands.async());
        RedisPresenceStore presence = new RedisPresenceStore(scripts, keys.prefix(), nodeId);
        RedisUsageStore usage = new RedisUsageStore(commands.async(), scripts, keys, nodeId, clock);
        this.liveness = new NodeLiveness(scripts, keys, nodeId, presence, usage, settings.heartbeatInterval(),
                settings.nodeTimeout());
        this.broker = new RedisBroker(this, commands.async(), keys, new TopicSubscriptions(pubsub.async()), appIds);
        this.seams = new Backplane(broker, presence, new RedisControlChannel(commands.async(), keys, usage), usage);
        pubsub.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                liveness.reconnected();
            }
        });
    }

    /**
     * Connects to Redis (failing if it is unreachable now: a node does not start half-joined)
     * and returns the node's seams. Traffic flows once the broker is started.
     */
    public static Backplane connect(ClusterSettings settings, String nodeId, List<String> appIds, Clock clock) {
        return new RedisBackplane(settings, nodeId, appIds, clock).seams;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
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
        uri.setTimeout(Duration.ofSeconds(5));
        return uri;
    }

    /** Called by the broker's start: traffic and liveness begin. */
    void startListening(RedisPubSubListener<String, String> listener) {
        pubsub.addListener(listener);
        pubsub.sync().subscribe(keys.controlTopic());
        liveness.start();
    }

    /** Graceful: this node's peers leave at once, then the connections close. */
    void shutdown() {
        liveness.stop();
        try {
            liveness.removeSelf().toCompletableFuture().get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not remove this node from Redis on shutdown; the other nodes will reap it: {}", e.toString());
        }
        closeConnections();
    }

    /** Like a killed process: nothing more is sent. */
    void crash() {
        liveness.stop();
        closeConnections();
    }

    private void closeConnections() {
        scripts.close();
        pubsub.closeAsync();
        commands.closeAsync();
        client.shutdownAsync(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}

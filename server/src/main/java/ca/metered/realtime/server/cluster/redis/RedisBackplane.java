package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.server.cluster.Backplane;
import ca.metered.realtime.server.cluster.BackplaneUnavailableException;
import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.ControlChannel;
import ca.metered.realtime.server.cluster.NodeDirectory;
import ca.metered.realtime.server.cluster.PresenceStore;
import ca.metered.realtime.server.cluster.UsageStore;
import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.history.HistoryStore;
import ca.metered.realtime.server.history.redis.RedisHistory;
import ca.metered.realtime.server.time.Scheduler;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis backplane of one node: one command connection (pipelined; per-node order kept),
 * one pub/sub connection, and the five seams built on them. The only place besides its
 * package-private parts that knows Redis. It opens its connections in {@link #connect} and
 * closes them in {@link #close}.
 *
 * <p>Commands fail fast while Redis is unreachable ({@code backend_error}); Lettuce reconnects
 * after {@code cluster.reconnectDelay} and re-subscribes, and {@link NodeLiveness} re-asserts
 * this node's state once the pub/sub connection is back.
 *
 * <p>Thread-safe.
 */
public final class RedisBackplane implements Backplane {
    private static final Logger log = LoggerFactory.getLogger(RedisBackplane.class);

    private final ClusterSettings settings;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final RedisKeys keys;
    private final Scripts scripts;
    private final NodeLiveness liveness;
    private final RedisBroker broker;
    private final RedisPresenceStore presence;
    private final RedisUsageStore usage;
    private final RedisControlChannel control;
    private final RedisNodeDirectory nodes;
    private final RedisHistory history;

    private RedisBackplane(ClusterSettings settings, String nodeId, Scheduler scheduler) {
        this.settings = settings;
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.constant(settings.reconnectDelay()))
                .build();
        this.client = RedisClient.create(resources, uri(settings));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .protocolVersion(ProtocolVersion.RESP2)
                .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
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
        this.presence = new RedisPresenceStore(scripts, keys.prefix(), nodeId);
        this.usage = new RedisUsageStore(commands.async(), scripts, keys, nodeId, scheduler.clock());
        this.liveness = new NodeLiveness(scripts, keys, nodeId, presence, usage, scheduler, settings);
        this.history = new RedisHistory(commands.async(), keys.prefix());
        this.broker = new RedisBroker(commands.async(), keys, new TopicSubscriptions(pubsub.async()), history);
        this.control = new RedisControlChannel(commands.async(), keys, usage);
        this.nodes = new RedisNodeDirectory(commands.async(), keys, nodeId, settings.nodeTimeout());
        pubsub.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                liveness.reconnected();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                broker.connectionLost();
            }
        });
    }

    /**
     * Connects to Redis, failing if it is unreachable now (a node does not start half-joined).
     * Traffic flows once the backplane is {@linkplain #start started}.
     *
     * @throws BackplaneUnavailableException with a one-line reason
     */
    public static RedisBackplane connect(ClusterSettings settings, String nodeId, Scheduler scheduler) {
        return new RedisBackplane(settings, nodeId, scheduler);
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
        uri.setTimeout(s.commandTimeout());
        return uri;
    }

    @Override
    public Broker broker() {
        return broker;
    }

    @Override
    public PresenceStore presence() {
        return presence;
    }

    @Override
    public ControlChannel control() {
        return control;
    }

    @Override
    public UsageStore usage() {
        return usage;
    }

    @Override
    public NodeDirectory nodes() {
        return nodes;
    }

    @Override
    public HistoryStore history() {
        return history;
    }

    @Override
    public void start(Broker.Inbound inbound) {
        broker.deliverTo(inbound);
        pubsub.addListener(broker.listener());
        pubsub.sync().subscribe(keys.controlTopic());
        liveness.start();
    }

    /** Graceful: this node's peers leave at once, then the connections close. */
    @Override
    public void close() {
        liveness.stop();
        try {
            liveness.removeSelf().toCompletableFuture().get(settings.leaveTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("could not remove this node from Redis on shutdown; the other nodes will reap it: {}", e.toString());
        }
        scripts.close();
        pubsub.closeAsync();
        commands.closeAsync();
        client.shutdownAsync(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}

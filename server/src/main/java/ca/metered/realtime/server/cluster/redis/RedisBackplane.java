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
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis backplane of one node: one command connection (written in batches by one
 * {@link CommandPipe}, so the node's publishes and scripts keep their order),
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
    private final CommandPipe pipe;
    private final Scripts scripts;
    private final NodeLiveness liveness;
    private final RedisBroker broker;
    private final RedisPresenceStore presence;
    private final RedisUsageStore usage;
    private final RedisControlChannel control;
    private final RedisNodeDirectory nodes;
    private final RedisHistory history;

    private RedisBackplane(ClusterSettings settings, String nodeId, Scheduler scheduler,
                           Supplier<Executor> currentLoop) {
        this.settings = settings;
        this.resources = RedisClients.resources(settings);
        this.client = RedisClients.create(settings, resources, ProtocolVersion.RESP2);
        this.keys = new RedisKeys(settings.keyPrefix());
        try {
            this.commands = client.connect();
            this.pubsub = client.connectPubSub();
        } catch (io.lettuce.core.RedisException e) {
            client.shutdown();
            resources.shutdown();
            throw RedisClients.unreachable(settings, e);
        }
        this.pipe = new CommandPipe(commands, "rms-redis-pipe", CommandPipe.DEFAULT_MAX_PENDING, currentLoop);
        this.scripts = new Scripts(pipe);
        this.presence = new RedisPresenceStore(scripts, keys.prefix(), nodeId);
        this.usage = new RedisUsageStore(commands.async(), pipe, scripts, keys, nodeId, scheduler.clock());
        this.liveness = new NodeLiveness(scripts, keys, nodeId, presence, usage, scheduler, settings);
        this.history = new RedisHistory(commands.async(), pipe, keys.prefix());
        this.broker = new RedisBroker(pipe, keys, new TopicSubscriptions(pubsub.async()), history);
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
        return connect(settings, nodeId, scheduler, () -> null);
    }

    /**
     * As {@link #connect(ClusterSettings, String, Scheduler)}, with the event loop of the calling
     * thread ({@code null} off one): the command pipe writes on its connection's loop once it
     * knows it ({@link CommandPipe}).
     */
    public static RedisBackplane connect(ClusterSettings settings, String nodeId, Scheduler scheduler,
                                         Supplier<Executor> currentLoop) {
        return new RedisBackplane(settings, nodeId, scheduler, currentLoop);
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
        pipe.close();
        // In order, each step finished before the next: connections, client, then the threads.
        // Shutting the threads down under a close still in flight makes Netty log an ERROR
        // ("Failed to submit a listener notification task") and the client close them twice.
        try {
            CompletableFuture.allOf(pubsub.closeAsync(), commands.closeAsync()).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("Redis connections did not close cleanly: {}", e.toString());
        }
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("Redis client did not shut down cleanly: {}", e.toString());
        }
    }
}

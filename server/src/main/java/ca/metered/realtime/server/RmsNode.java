package ca.metered.realtime.server;

import ca.metered.realtime.server.auth.Authenticator;
import ca.metered.realtime.server.auth.Authorizer;
import ca.metered.realtime.server.auth.SecretKeyAuthenticator;
import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.cluster.Backplane;
import ca.metered.realtime.server.cluster.InMemoryCluster;
import ca.metered.realtime.server.cluster.redis.RedisBackplane;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.LiveConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.connection.Connection;
import ca.metered.realtime.server.connection.Connections;
import ca.metered.realtime.server.hub.Hub;
import ca.metered.realtime.server.hub.LocalDelivery;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.limit.KeyedRateLimiter;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import ca.metered.realtime.server.pubsub.MessageService;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.rest.RestApi;
import ca.metered.realtime.server.session.Sessions;
import ca.metered.realtime.server.transport.RmsServer;
import ca.metered.realtime.server.transport.WheelScheduler;
import java.util.List;
import java.util.UUID;

/**
 * One running rms node, and the one place where it is put together: every service is built
 * here, by constructor, from the configuration, and nothing else looks services up. Start order
 * is the dependency order (time, backplane, core, network); stop is the reverse.
 *
 * <p>Thread-safe. {@link #start} once; {@link #stop} once (idempotent).
 */
public final class RmsNode implements AutoCloseable {
    private final WheelScheduler scheduler;
    private final Backplane backplane;
    private final Connections connections;
    private final RmsServer server;
    private boolean stopped;

    private RmsNode(WheelScheduler scheduler, Backplane backplane, Connections connections, RmsServer server) {
        this.scheduler = scheduler;
        this.backplane = backplane;
        this.connections = connections;
        this.server = server;
    }

    /**
     * Builds a node from {@code config}, joins its cluster (the in-memory backplane without a
     * {@code cluster} section) and starts serving.
     *
     * @throws ca.metered.realtime.server.cluster.BackplaneUnavailableException when Redis is unreachable
     * @throws RmsServer.ServerStartException when the port or TLS files are unusable
     */
    public static RmsNode start(ServerConfig config) {
        WheelScheduler scheduler = new WheelScheduler();
        LiveConfig live = LiveConfig.of(config);
        String nodeId = UUID.randomUUID().toString();
        List<String> appIds = config.apps().stream().map(AppConfig::id).toList();
        Backplane backplane;
        try {
            backplane = config.cluster().<Backplane>map(c -> RedisBackplane.connect(c, nodeId, appIds, scheduler))
                    .orElseGet(() -> new InMemoryCluster(scheduler.clock()).join(nodeId));
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
        LifecycleListener listener = LifecycleListener.NONE;
        Hub hub = new Hub(appIds);
        Authorizer authorizer = new Authorizer();
        Memberships memberships = new Memberships(hub, backplane.broker(), backplane.presence(), authorizer, live,
                listener);
        MessageService messages = new MessageService(nodeId, authorizer, live, backplane.broker(), backplane.usage());
        Connections connections = new Connections(scheduler, live, backplane.usage(), memberships, listener);
        IceServerProvider iceServers = new IceServerProvider(scheduler.clock());
        RestApi rest = new RestApi(new SecretKeyAuthenticator(config),
                new KeyedRateLimiter(RestApi.RATE_PER_SECOND, RestApi.RATE_BURST, scheduler::nanoTime),
                new TokenMinter(scheduler.clock()), iceServers, authorizer, memberships, messages, backplane.control(),
                backplane.usage(), scheduler.clock());
        RmsServer server = new RmsServer(config.server(), new Authenticator(config, scheduler.clock()),
                new Sessions(connections, memberships, messages, iceServers, scheduler, live), rest, connections,
                scheduler::nanoTime);

        backplane.start(new LocalDelivery(hub, nodeId));
        connections.start();
        try {
            server.start();
        } catch (RuntimeException e) {
            connections.stop();
            backplane.close();
            scheduler.close();
            throw e;
        }
        return new RmsNode(scheduler, backplane, connections, server);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.port();
    }

    /** Base URL clients pass to the SDKs, e.g. {@code ws://127.0.0.1:8080}. */
    public String url() {
        return server.url();
    }

    /** The live (admitted, not yet released) WebSocket connections now. */
    public List<Connection> connections() {
        return connections.all();
    }

    /** Client sockets open now, upgraded or not. */
    public int openConnections() {
        return server.openConnections();
    }

    /**
     * Graceful shutdown (protocol.md 8): the network side drains the connections, then this
     * node leaves the cluster and its timers stop.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        server.stop();
        connections.stop();
        backplane.close();
        scheduler.close();
    }

    @Override
    public void close() {
        stop();
    }
}

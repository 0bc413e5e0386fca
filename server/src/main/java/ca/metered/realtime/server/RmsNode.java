package ca.metered.realtime.server;

import ca.metered.realtime.server.admin.AdminBackend;
import ca.metered.realtime.server.admin.AdminConsole;
import ca.metered.realtime.server.admin.AuditLog;
import ca.metered.realtime.server.admin.CoreBackend;
import ca.metered.realtime.server.auth.Authenticator;
import ca.metered.realtime.server.auth.Authorizer;
import ca.metered.realtime.server.auth.SecretKeyAuthenticator;
import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.cluster.Backplane;
import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.InMemoryCluster;
import ca.metered.realtime.server.cluster.redis.RedisBackplane;
import ca.metered.realtime.server.config.ConfigReloader;
import ca.metered.realtime.server.config.LiveConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.connection.Connection;
import ca.metered.realtime.server.connection.Connections;
import ca.metered.realtime.server.connection.QueuedBytes;
import ca.metered.realtime.server.history.Retention;
import ca.metered.realtime.server.hub.CallerLoop;
import ca.metered.realtime.server.hub.Hub;
import ca.metered.realtime.server.hub.LocalDelivery;
import ca.metered.realtime.server.hub.PresenceWindow;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.limit.KeyedRateLimiter;
import ca.metered.realtime.server.metrics.Metric;
import ca.metered.realtime.server.metrics.NodeMetrics;
import ca.metered.realtime.server.pubsub.HistoryService;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.pubsub.MessageService;
import ca.metered.realtime.server.rest.RestApi;
import ca.metered.realtime.server.session.NettyCallerLoop;
import ca.metered.realtime.server.session.OutboundBudget;
import ca.metered.realtime.server.session.Sessions;
import ca.metered.realtime.server.transport.EventLoops;
import ca.metered.realtime.server.transport.RmsServer;
import ca.metered.realtime.server.transport.WheelScheduler;
import ca.metered.realtime.server.webhook.EndpointStats;
import ca.metered.realtime.server.webhook.Webhooks;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private final Webhooks webhooks;
    private final Connections connections;
    private static final Logger log = LoggerFactory.getLogger(RmsNode.class);
    /** How long one walk of the outbound queues serves the gauges: well under any scrape interval. */
    private static final long QUEUE_GAUGES_MAX_AGE_NANOS = 100_000_000L;
    private final RmsServer server;
    private final AdminConsole admin;
    private final ConfigReloader reloader;
    private final AuditLog audit;
    private final NodeMetrics metrics;
    private final OutboundBudget outbound;
    private boolean stopped;

    private RmsNode(WheelScheduler scheduler, Backplane backplane, Webhooks webhooks, Connections connections,
                    RmsServer server, AdminConsole admin, ConfigReloader reloader, AuditLog audit, NodeMetrics metrics,
                    OutboundBudget outbound) {
        this.outbound = outbound;
        this.scheduler = scheduler;
        this.backplane = backplane;
        this.webhooks = webhooks;
        this.connections = connections;
        this.server = server;
        this.admin = admin;
        this.reloader = reloader;
        this.audit = audit;
        this.metrics = metrics;
    }

    /**
     * Builds a node from {@code config}, joins its cluster (the in-memory backplane without a
     * {@code cluster} section) and starts serving. The configuration never changes.
     *
     * @throws ca.metered.realtime.server.cluster.BackplaneUnavailableException when Redis is unreachable
     * @throws RmsServer.ServerStartException when the port or TLS files are unusable
     */
    public static RmsNode start(ServerConfig config) {
        return start(ConfigReloader.fixed(config));
    }

    /**
     * Like {@link #start(ServerConfig)}, with the configuration {@code reloader} holds, and follows
     * it when it is reloaded ({@link #reload}, the admin's reload action).
     */
    public static RmsNode start(ConfigReloader reloader) {
        ServerConfig config = reloader.current();
        WheelScheduler scheduler = new WheelScheduler();
        LiveConfig live = new LiveConfig(reloader::current);
        String nodeId = UUID.randomUUID().toString();
        long startedAt = scheduler.clock().millis();
        NodeMetrics metrics = new NodeMetrics(RmsServer.version());
        Backplane backplane;
        try {
            backplane = config.cluster().<Backplane>map(c -> RedisBackplane.connect(c, nodeId, scheduler,
                    EventLoops::current))
                    .orElseGet(() -> new InMemoryCluster(scheduler.clock()).join(nodeId));
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
        Webhooks webhooks;
        try {
            webhooks = Webhooks.create(config, nodeId, scheduler);
        } catch (RuntimeException e) {
            backplane.close();
            scheduler.close();
            metrics.close();
            throw e;
        }
        boolean redis = config.cluster().isPresent();
        // Metrics and webhooks both hear the connections' lifecycle.
        LifecycleListener listener = LifecycleListener.all(new ConnectionMetering(metrics), webhooks.lifecycle());
        Broker broker = webhooks.broker(backplane.broker());
        Hub hub = new Hub(id -> live.get().app(id).isPresent(), metrics::app,
                // In memory a window ends on the loop that opened it; with Redis deltas arrive on
                // the Redis client's loops, which a large room's flush must not hold up.
                new PresenceWindow(scheduler, config.server().presenceWindow(), redis ? CallerLoop.NONE : new NettyCallerLoop()));
        config.apps().forEach(app -> hub.app(app.id())); // every app in the scrape from the start
        Authorizer authorizer = new Authorizer();
        Memberships memberships = new Memberships(hub, broker, backplane.presence(), backplane.history(),
                authorizer, live, listener);
        MessageService messages = new MessageService(nodeId, authorizer, live, broker, backplane.usage(),
                metrics, metrics.backplane(redis));
        HistoryService history = new HistoryService(backplane.history(), authorizer, live);
        Authenticator authenticator = new Authenticator(live::get, scheduler.clock());
        Connections connections = new Connections(scheduler, authenticator, live, backplane.usage(), memberships,
                listener);
        WebhookMetering.register(metrics, webhooks);
        // One walk of the connections serves both gauges of a scrape.
        QueuedBytes.Cached queued = new QueuedBytes.Cached(connections::queuedBytes, scheduler::nanoTime,
                QUEUE_GAUGES_MAX_AGE_NANOS);
        metrics.gauge(Metric.OUTBOUND_QUEUE_BYTES, queued, q -> q.get().total());
        metrics.gauge(Metric.OUTBOUND_QUEUE_MAX_BYTES, queued, q -> q.get().max());
        // A history answer is one frame or body: at most half a connection's outbound cap.
        long historyBudget = config.server().outboundBufferBytes() / 2;
        IceServerProvider iceServers = new IceServerProvider(scheduler.clock());
        TokenMinter minter = new TokenMinter(scheduler.clock());
        RestApi rest = new RestApi(new SecretKeyAuthenticator(live::get),
                new KeyedRateLimiter(RestApi.RATE_PER_SECOND, RestApi.RATE_BURST, scheduler::nanoTime),
                minter, iceServers, authorizer, memberships, messages, history, historyBudget, backplane.control(),
                backplane.usage(), scheduler.clock(), metrics);
        AuditLog audit = new AuditLog(scheduler.clock(), metrics);
        AdminConsole admin = new AdminConsole(
                new CoreBackend(new AdminBackend.NodeInfo(nodeId, RmsServer.version(), startedAt,
                        redis ? "redis" : "memory"), id -> live.get().app(id).isPresent(), hub, connections,
                        backplane.presence(), backplane.usage(), backplane.control(), backplane.nodes(),
                        scheduler.clock(), app -> WebhookMetering.endpoints(webhooks, app)),
                metrics, reloader, minter, audit, scheduler.clock());
        OutboundBudget outbound = new OutboundBudget(config.server().directMemoryCeiling(PlatformDependent.maxDirectMemory()));
        outbound.register(metrics);
        RmsServer server = new RmsServer(config.server(), authenticator,
                new Sessions(connections, memberships, messages, history, iceServers, scheduler, live, metrics,
                        outbound), rest,
                connections, scheduler::nanoTime, metrics, () -> live.get().metrics(), Optional.of(admin));
        reloader.addListener(new ReloadEffects(connections, hub, metrics));
        reloader.onResult(r -> metrics.configReload(r.applied()));

        backplane.start(webhooks.inbound(new LocalDelivery(hub, nodeId, (appId, channel) -> live.history(appId, channel)
                .map(h -> backplane.history().position(appId, channel, Retention.of(h)))
                .orElseGet(() -> CompletableFuture.completedFuture(null)))));
        webhooks.start();
        connections.start(Sessions::gatheringDrains); // one drain task per loop for the pings of a sweep
        try {
            server.start();
        } catch (RuntimeException e) {
            admin.close();
            connections.stop();
            webhooks.close();
            backplane.close();
            scheduler.close();
            metrics.close();
            throw e;
        }
        admin.start();
        log.info("off-heap ceiling for outbound bytes: {} MiB ({}); JVM max direct memory {} MiB; allocator {}",
                outbound.limit() >> 20, config.server().directMemoryBytes() > 0 ? "server.directMemoryBytes" : "default",
                PlatformDependent.maxDirectMemory() >> 20, ByteBufAllocator.DEFAULT.getClass().getSimpleName());
        return new RmsNode(scheduler, backplane, webhooks, connections, server, admin, reloader, audit, metrics,
                outbound);
    }

    /** The node's outbound off-heap budget: its use, peak and sheds (for metrics and operators). */
    public OutboundBudget outboundBudget() {
        return outbound;
    }

    /**
     * Reloads the configuration file ({@code kill -HUP}): applied if valid, refused (old
     * configuration kept) if not; audited as an action of {@code user}. Blocking (file I/O).
     */
    public ConfigReloader.Result reload(String user) {
        ConfigReloader.Result r = reloader.reload();
        audit.record(user, null, "config.reload", null, r.applied() ? "applied" : "refused",
                r.applied() ? r.change().orElseThrow().summary() : r.error().orElseThrow());
        return r;
    }

    /** The node's meters (what {@code /metrics} exposes). */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** The port of the separate {@code /metrics} listener, if {@code metrics.port} is set. */
    public Optional<Integer> metricsPort() {
        return server.metricsPort();
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

    /** This node's webhook counters per endpoint (empty without webhooks). */
    public List<EndpointStats> webhookStats() {
        return webhooks.endpointStats();
    }

    /** Events of the app this node dropped before any endpoint: its event log was full or unreachable. */
    public long webhookDropped(String appId) {
        return webhooks.dropped(appId);
    }

    /**
     * Graceful shutdown (docs/protocol.md 8): the network side drains the connections, the webhooks
     * deliver what they owe (up to {@code webhooks.timeout}), then this node leaves the cluster
     * and its timers stop.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        server.stop();
        admin.close();
        connections.stop();
        webhooks.close();
        backplane.close();
        scheduler.close();
        metrics.close();
    }

    @Override
    public void close() {
        stop();
    }
}

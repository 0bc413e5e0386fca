package ca.metered.realtime.server;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.auth.Authenticator;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.auth.SecretKeyAuthenticator;
import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.cluster.Backplane;
import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.InMemoryCluster;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.server.cluster.redis.RedisBackplane;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.config.ServerSettings;
import ca.metered.realtime.server.hub.AppHub;
import ca.metered.realtime.server.hub.Hub;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.session.Session;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server process's protocol core, independent of the network: configuration, auth, the
 * hub, the backplane seams, the live sessions and the shared timers (one wheel for token
 * expiry, one sweep for keepalive, instead of timers per connection).
 *
 * <p>Thread-safe.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /** The server closes ~250 ms before {@code exp} (protocol.md 6.3). */
    static final long EXPIRY_LEAD_MS = 250;

    private final ServerConfig config;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final String nodeId;
    private final Hub hub;
    private final Backplane backplane;
    private final Memberships memberships;
    private final Authenticator authenticator;
    private final SecretKeyAuthenticator secretKeys;
    private final TokenMinter tokenMinter;
    private final IceServerProvider iceServers;
    private final AtomicLong connectionIds = new AtomicLong();
    /** Live sessions → their token-expiry timer (empty for publishable keys). */
    private final ConcurrentHashMap<Session, Optional<Timeout>> sessions = new ConcurrentHashMap<>();
    /** Sessions admitted while the usage store was unreachable: never counted, so never un-counted. */
    private final java.util.Set<Session> uncounted = ConcurrentHashMap.newKeySet();
    private final HashedWheelTimer expiryWheel;
    private final ScheduledExecutorService sweeper;

    /** A standalone node with the in-memory backplane. */
    public static Node standalone(ServerConfig config) {
        return new Node(config, Clock.systemUTC(), System::nanoTime, null);
    }

    /**
     * @param cluster the in-memory cluster to join, or {@code null} for a private one
     */
    public Node(ServerConfig config, Clock clock, LongSupplier nanoTime, InMemoryCluster cluster) {
        this.config = config;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.nodeId = UUID.randomUUID().toString();
        this.hub = new Hub(config.apps().stream().map(AppConfig::id).toList());
        if (config.cluster().isPresent() && cluster == null) {
            this.backplane = RedisBackplane.connect(config.cluster().get(), nodeId,
                    config.apps().stream().map(AppConfig::id).toList(), clock);
        } else {
            InMemoryCluster c = cluster != null ? cluster : new InMemoryCluster(clock);
            this.backplane = c.join(nodeId);
        }
        this.memberships = new Memberships(backplane);
        this.authenticator = new Authenticator(config, clock);
        this.secretKeys = new SecretKeyAuthenticator(config);
        this.tokenMinter = new TokenMinter(clock);
        this.iceServers = new IceServerProvider(clock);
        this.expiryWheel = new HashedWheelTimer(daemon("rms-expiry"), 50, TimeUnit.MILLISECONDS);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("rms-keepalive"));
        backplane.broker().start(new Inbound());
        long tick = Math.max(50, Math.min(1000, settings().pingTimeout().toMillis() / 4));
        sweeper.scheduleAtFixedRate(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public ServerConfig config() {
        return config;
    }

    public ServerSettings settings() {
        return config.server();
    }

    public Clock clock() {
        return clock;
    }

    public long nanoTime() {
        return nanoTime.getAsLong();
    }

    public String nodeId() {
        return nodeId;
    }

    public Hub hub() {
        return hub;
    }

    public Backplane backplane() {
        return backplane;
    }

    public Memberships memberships() {
        return memberships;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public SecretKeyAuthenticator secretKeys() {
        return secretKeys;
    }

    public TokenMinter tokenMinter() {
        return tokenMinter;
    }

    public IceServerProvider iceServers() {
        return iceServers;
    }

    public long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    /**
     * Admits a new authenticated connection against the app's concurrent limit, counted over the
     * cluster.
     *
     * @return completes with whether it may open; on {@code false} the caller closes with 4010.
     *     Fails when the backplane is unreachable; the connection is then admitted uncounted
     *     (availability over exact caps while Redis is down, docs/clustering.md).
     */
    public CompletionStage<Boolean> admit(Grant grant) {
        return backplane.usage().tryOpenConnection(grant.app().id(), grant.peerId(),
                grant.app().limits().maxConcurrentConnections());
    }

    /** Tracks an opened session and arms its token-expiry close. */
    public void sessionOpened(Session session, boolean counted) {
        Optional<Timeout> expiry = Optional.empty();
        Long exp = session.grant().expiresAtEpochSeconds();
        if (exp != null) {
            long delayMs = exp * 1000 - EXPIRY_LEAD_MS - clock.millis();
            expiry = Optional.of(expiryWheel.newTimeout(
                    t -> session.close(CloseCode.TOKEN_EXPIRED.code(), "token expired"),
                    Math.max(0, delayMs), TimeUnit.MILLISECONDS));
        }
        sessions.put(session, expiry);
        if (!counted) {
            uncounted.add(session);
        }
    }

    /** Called by a session once, when its connection is gone. */
    public void connectionClosed(Session session) {
        Optional<Timeout> expiry = sessions.remove(session);
        if (expiry != null) { // null: already released, or never opened
            expiry.ifPresent(Timeout::cancel);
            if (!uncounted.remove(session)) {
                backplane.usage().closeConnection(session.grant().app().id(), session.peerId());
            }
        }
    }

    public List<Session> sessions() {
        return new ArrayList<>(sessions.keySet());
    }

    private void sweep() {
        try {
            long now = nanoTime();
            long interval = settings().pingInterval().toNanos();
            long grace = settings().pingTimeout().toNanos();
            for (Session s : sessions.keySet()) {
                s.keepaliveTick(now, interval, grace);
            }
        } catch (RuntimeException e) {
            log.error("keepalive sweep failed", e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        expiryWheel.stop();
        backplane.broker().close();
    }

    /** Test hook: stops this node as if its process had been killed (no cleanup reaches the backplane). */
    public void crashForTests() {
        sweeper.shutdownNow();
        expiryWheel.stop();
        if (backplane.broker() instanceof RedisBackplane.Crashable c) {
            c.crash();
        } else {
            backplane.broker().close();
        }
    }

    /** Backplane traffic (this node's own included), delivered to the local connections. */
    private final class Inbound implements Broker.Inbound {
        @Override
        public int onPublication(Publication p, Broker.Route route) {
            AppHub app = hub.app(p.appId());
            if (app == null) {
                return 0;
            }
            long exclude = nodeId.equals(p.originNode()) ? p.originConnectionId() : -1;
            return app.deliverMessage(p.channel(), p.from(), p.data(), p.fromMetadata(), exclude,
                    route != Broker.Route.WILDCARD, route != Broker.Route.EXACT);
        }

        @Override
        public int onDirect(DirectMessage d) {
            AppHub app = hub.app(d.appId());
            return app == null ? 0 : app.directLocal(d.to(), d.from(), d.data(), d.fromMetadata());
        }

        @Override
        public void onPresence(String appId, String channel, PresenceDelta delta) {
            AppHub app = hub.app(appId);
            if (app != null) {
                app.deliverPresence(channel, delta);
            }
        }

        @Override
        public int onKick(String appId, String peerId) {
            AppHub app = hub.app(appId);
            return app == null ? 0 : app.closePeer(peerId, CloseCode.ADMIN_DISCONNECT.code(), "admin disconnect");
        }
    }
}

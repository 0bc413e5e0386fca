package ca.metered.realtime.server.connection;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.server.auth.Authenticator;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.auth.RefreshOutcome;
import ca.metered.realtime.server.pubsub.Outcome;
import ca.metered.realtime.server.cluster.UsageStore;
import ca.metered.realtime.server.config.LiveConfig;
import ca.metered.realtime.server.config.ServerSettings;
import ca.metered.realtime.server.pubsub.CloseStatus;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.time.Cancellable;
import ca.metered.realtime.server.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live connections of this node, from admission to release: the app's concurrent limit
 * (counted over the cluster), registration for presence and {@code send}, the token-expiry
 * close, the keepalive sweep, and the release of everything a connection held.
 *
 * <p>Thread-safe.
 */
public final class Connections {
    private static final Logger log = LoggerFactory.getLogger(Connections.class);
    /** The server closes ~250 ms before {@code exp} (docs/protocol.md 6.3). */
    static final long EXPIRY_LEAD_MS = 250;

    private final Scheduler scheduler;
    private final Authenticator authenticator;
    private final LiveConfig config;
    private final UsageStore usage;
    private final Memberships memberships;
    private final LifecycleListener listener;
    private final AtomicLong ids = new AtomicLong();
    /**
     * Registered and not yet released; each connection's registration state, its slot here
     * included, is on it (its monitor guards it). A slot table rather than a concurrent set: no
     * node per connection (docs/performance.md, "Idle connections").
     */
    private final SlotTable<Connection> live = new SlotTable<>();
    private volatile Cancellable sweep;

    /** How a connection was admitted against its app's concurrent limit. */
    public enum Admission {
        /** Counted over the cluster. */
        ADMITTED,
        /** Over the limit: close 4010 before any welcome. */
        REFUSED,
        /**
         * The usage store was unreachable: served anyway, never counted, so never un-counted
         * (availability over exact caps while Redis is down, docs/clustering.md).
         */
        UNCOUNTED
    }

    /** A registered connection and when its peer is reachable, i.e. when the welcome may go out. */
    public record Opening(Connection connection, CompletionStage<Void> reachable) {
    }

    public Connections(Scheduler scheduler, Authenticator authenticator, LiveConfig config, UsageStore usage,
                       Memberships memberships, LifecycleListener listener) {
        this.scheduler = scheduler;
        this.authenticator = authenticator;
        this.config = config;
        this.usage = usage;
        this.memberships = memberships;
        this.listener = listener;
    }

    /** Starts the keepalive sweep. */
    public void start() {
        start(Runnable::run);
    }

    /**
     * Starts the keepalive sweep, each run of it inside {@code around} (the transport gathers the
     * pings' outbound drains per event loop there).
     */
    public void start(Consumer<Runnable> around) {
        long timeoutMs = config.server().pingTimeout().toMillis();
        Duration tick = Duration.ofMillis(Math.max(50, Math.min(1000, timeoutMs / 4)));
        sweep = scheduler.every(tick, () -> around.accept(this::sweep));
    }

    /** Stops the sweep; connections still open are released as their transport closes them. */
    public void stop() {
        Cancellable s = sweep;
        if (s != null) {
            s.cancel();
        }
    }

    /** Counts a new connection against its app's concurrent limit, over the cluster. */
    public CompletionStage<Admission> admit(Grant grant) {
        String appId = grant.app().id();
        return usage.tryOpenConnection(appId, grant.peerId(), config.limits(appId).maxConcurrentConnections())
                .handle((ok, err) -> {
                    if (err != null) {
                        log.warn("usage store unavailable; admitting peer {} uncounted: {}", grant.peerId(),
                                err.toString());
                        return Admission.UNCOUNTED;
                    }
                    return ok ? Admission.ADMITTED : Admission.REFUSED;
                });
    }

    /** Undoes an admission whose connection went away before it could open. */
    public void abandon(Grant grant, Admission admission) {
        if (admission == Admission.ADMITTED) {
            usage.closeConnection(grant.app().id(), grant.peerId());
        }
    }

    /**
     * Registers an admitted connection: it gets its id, its token-expiry close, a place in the
     * keepalive sweep, and is made reachable by {@code send} from any node (docs/protocol.md 2.5).
     */
    public Opening open(Grant grant, Link link, Admission admission) {
        long now = scheduler.nanoTime();
        Connection c = new Connection(ids.incrementAndGet(), grant, link, now, now - firstPingEarlier(),
                scheduler.clock().millis(), admission == Admission.ADMITTED);
        synchronized (c) {
            c.expiry = expiryClose(c, grant);
            // Under the monitor, so that the release (which reads the slot under it) sees it.
            c.slot = live.add(c);
        }
        CompletionStage<Void> reachable = memberships.open(c);
        listener.connectionOpened(c);
        ConnectionLog.of(log.atDebug(), c).log("connection opened");
        return new Opening(c, reachable);
    }

    /** The close 250 ms before the grant's {@code exp} (docs/protocol.md 6.3); none for a publishable key. */
    private Cancellable expiryClose(Connection c, Grant grant) {
        Long exp = grant.expiresAtEpochSeconds();
        if (exp == null) {
            return null;
        }
        long delayMs = exp * 1000 - EXPIRY_LEAD_MS - scheduler.clock().millis();
        return scheduler.schedule(Duration.ofMillis(Math.max(0, delayMs)),
                () -> c.close(CloseCode.TOKEN_EXPIRED.code(), "token expired"));
    }

    /**
     * An in-band token refresh (docs/protocol.md 9): when {@link Authenticator#refresh} accepts the
     * token, the connection takes its expiry and the expiry close is re-armed for it; done with the
     * new {@code exp} (Unix seconds). Refused otherwise, and nothing changes.
     */
    public Outcome<Long> refresh(Connection c, String token) {
        RefreshOutcome decided = authenticator.refresh(c.grant(), token);
        if (decided instanceof RefreshOutcome.Refused r) {
            return Outcome.refused(r.code(), r.message());
        }
        Grant next = ((RefreshOutcome.Refreshed) decided).grant();
        synchronized (c) {
            if (c.released) {
                return Outcome.refused(ErrorCode.INVALID_TOKEN, "the connection is closing");
            }
            if (c.expiry != null) {
                c.expiry.cancel();
            }
            c.refreshed(next);
            c.expiry = expiryClose(c, next);
        }
        return Outcome.done(next.expiresAtEpochSeconds());
    }

    /** Releases a connection that went away without a close frame (1006). Idempotent. */
    public void release(Connection c) {
        release(c, CloseStatus.ABNORMAL);
    }

    /**
     * Releases everything a connection held; called once its transport is gone. Idempotent. The
     * connection stays in {@link #all} until its leaves and its un-count have been handed to the
     * backplane, so whoever sees it gone also sees them issued.
     */
    public void release(Connection c, CloseStatus status) {
        // Marked under the connection's monitor, so that a concurrent refresh either re-arms before
        // (and this cancels its expiry) or sees the mark and changes nothing.
        Cancellable expiry;
        int slot;
        synchronized (c) {
            if (c.released) {
                return;
            }
            c.released = true;
            expiry = c.expiry;
            c.expiry = null;
            slot = c.slot;
        }
        if (expiry != null) {
            expiry.cancel();
        }
        memberships.close(c);
        if (c.counted) {
            usage.closeConnection(c.appId(), c.peerId());
        }
        live.remove(slot, c);
        listener.connectionClosed(c, status);
        ConnectionLog.of(log.atDebug(), c).log("connection closed");
    }

    /**
     * Closes every live connection {@code which} selects (a configuration reload suspending an
     * app or revoking a credential); returns how many.
     */
    public int closeWhere(Predicate<Connection> which, int code, String reason) {
        int n = 0;
        for (Connection c : live) {
            if (which.test(c)) {
                c.close(code, reason);
                n++;
            }
        }
        return n;
    }

    /** The live connections now. */
    public List<Connection> all() {
        List<Connection> all = new ArrayList<>(live.size());
        live.forEach(all::add);
        return all;
    }

    public int size() {
        return live.size();
    }

    /** The live connections' outbound queues now, in one walk without a copy. */
    public QueuedBytes queuedBytes() {
        long total = 0;
        long max = 0;
        for (Connection c : live) {
            long q = c.queuedBytes();
            total += q;
            max = Math.max(max, q);
        }
        return new QueuedBytes(total, max);
    }

    /**
     * How much sooner than a full interval a new connection's first ping comes: random, up to half
     * the interval. Connections that open together (a deploy, a reconnect wave, a load test) would
     * otherwise be pinged in the same sweep every interval, and their pongs come back together:
     * one burst of writes and wake-ups that delays everything else sent in that tick. Spread
     * once, they stay spread: each later ping is an interval after the previous one.
     */
    private long firstPingEarlier() {
        long half = config.server().pingInterval().toNanos() / 2;
        return half <= 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1);
    }

    private void sweep() {
        ServerSettings s = config.server();
        long now = scheduler.nanoTime();
        long interval = s.pingInterval().toNanos();
        long grace = s.pingTimeout().toNanos();
        for (Connection c : live) {
            c.keepaliveTick(now, interval, grace);
        }
    }
}

package ca.metered.realtime.server.connection;

import ca.metered.realtime.protocol.frame.FrameSlices;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.auth.Access;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.auth.Permissions;
import ca.metered.realtime.server.pubsub.ChannelSet;
import ca.metered.realtime.server.pubsub.Member;
import ca.metered.realtime.server.pubsub.Sender;
import ca.metered.realtime.server.time.Cancellable;

/**
 * One authenticated client connection on this node, independent of the transport: who it is
 * (its {@link Grant}), what it is subscribed to, how alive it is, and the {@link Link} its
 * frames leave through.
 *
 * <p>It is its own {@link ChannelSet} (its subscriptions), whose monitor is this object's.
 *
 * <p>Thread-safe: the hub delivers to it from any thread, its commands run on its event loop,
 * the keepalive sweep and expiry timers tick it from the scheduler's thread.
 */
public final class Connection extends ChannelSet implements Member {
    private final long id;
    /**
     * The grant, kept as its two parts rather than as the {@link Grant} object: the peer id, and
     * the {@link Access} that connections of one publishable key share — 40 bytes less per
     * connection (docs/performance.md, "Idle connections").
     */
    private final String peerId;
    /** Replaced by a token refresh, which changes only its expiry (docs/protocol.md 9). */
    private volatile Access access;
    private final Link link;
    /**
     * Liveness (docs/protocol.md 8): when the client last sent anything, and when it was last
     * pinged. Written by the connection's event loop ({@link #touched}) and the keepalive sweep
     * ({@link #keepaliveTick}); kept here rather than in an object of their own, one fewer per
     * idle connection (docs/performance.md, "Idle connections").
     */
    private volatile long lastSeenNanos;
    private volatile long pingSentNanos;
    private final long connectedAt;
    /** Counted against the app's concurrent limit, so un-counted at release ({@link Connections}). */
    final boolean counted;
    /** The token-expiry close, or null; guarded by this object's monitor ({@link Connections}). */
    Cancellable expiry;
    /** Released by {@link Connections}: a refresh changes nothing any more. Guarded by this object's monitor. */
    boolean released;
    /**
     * Where {@link Connections} registered it (its slot table's index); guarded by this object's
     * monitor. Fits in what was padding: the connection stays 80 bytes.
     */
    int slot = -1;

    /**
     * @param pingedNanos when the keepalive counts it as last pinged: {@code nowNanos} or earlier,
     *     so that the first ping comes sooner ({@link Connections} spreads them)
     */
    Connection(long id, Grant grant, Link link, long nowNanos, long pingedNanos, long connectedAt, boolean counted) {
        this.counted = counted;
        this.connectedAt = connectedAt;
        this.id = id;
        this.peerId = grant.peerId();
        this.access = grant.access();
        this.link = link;
        this.lastSeenNanos = nowNanos;
        this.pingSentNanos = pingedNanos;
    }

    /** The connection's grant (made on each call from the peer id and the access it keeps). */
    public Grant grant() {
        return new Grant(peerId, access);
    }

    /** The grant after a refresh: the same peer, channels and actions, a later expiry. */
    void refreshed(Grant next) {
        this.access = next.access();
    }

    @Override
    public long connectionId() {
        return id;
    }

    @Override
    public String peerId() {
        return peerId;
    }

    @Override
    public String appId() {
        return access.app().id();
    }

    /**
     * Made on each call (a publish or a subscribe), not kept: a field would hold one more object
     * per idle connection (docs/performance.md, "Idle connections"); a refresh keeps the channels
     * and actions.
     */
    @Override
    public Permissions permissions() {
        Access a = access;
        return new Permissions(a.channels(), a.actions());
    }

    /**
     * Wrapped on each call (a subscribe with presence, a publish) rather than kept: a field
     * would make every idle connection 8 bytes larger (docs/performance.md, "Idle connections").
     */
    @Override
    public RawJson peerMetadata() {
        String json = access.peerMetadataJson();
        return json == null ? null : RawJson.of(json);
    }

    @Override
    public boolean presenceEnabled() {
        return access.actions().contains(Action.PRESENCE);
    }

    @Override
    public ChannelSet channels() {
        return this; // its own channel set (see ChannelSet)
    }

    /** This connection as the author of a publish or send. */
    public Sender sender() {
        return new Sender(appId(), permissions(), peerId(), peerMetadata(), id);
    }

    /** When the connection was admitted, epoch milliseconds. */
    public long connectedAt() {
        return connectedAt;
    }

    /** Where the client connects from. */
    public String remoteAddress() {
        return link.remoteAddress();
    }

    /** Any inbound frame (data, ping, pong, close) proves the connection alive. */
    public void touched(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    /**
     * The keepalive sweep's tick: pings once per interval, and closes (1001 {@code ping timeout})
     * a connection that sent nothing within the grace after a ping (docs/protocol.md 8).
     */
    void keepaliveTick(long nowNanos, long intervalNanos, long graceNanos) {
        if (link.isClosing()) {
            return;
        }
        long sent = pingSentNanos;
        boolean unanswered = lastSeenNanos - sent < 0;
        if (unanswered && nowNanos - sent >= graceNanos) {
            link.close(CloseCode.GOING_AWAY.code(), "ping timeout");
        } else if (nowNanos - sent >= intervalNanos) {
            pingSentNanos = nowNanos;
            link.ping();
        }
    }

    @Override
    public void deliver(byte[] frame) {
        link.send(frame);
    }

    /**
     * Queues a text frame made of slices of shared arrays (a snapshot, or a joiner's part of a
     * window's deltas, docs/protocol.md 2.3), written slice by slice.
     */
    @Override
    public void deliver(FrameSlices frame) {
        link.send(frame);
    }

    @Override
    public void close(int code, String reason) {
        link.close(code, reason);
    }

    public boolean isClosing() {
        return link.isClosing();
    }

    /** Bytes queued for this connection and not yet written to the socket. */
    public long queuedBytes() {
        return link.queuedBytes();
    }

    Link link() {
        return link;
    }

    @Override
    public String toString() {
        return "Connection[" + id + " peer=" + peerId() + " app=" + appId() + "]";
    }
}

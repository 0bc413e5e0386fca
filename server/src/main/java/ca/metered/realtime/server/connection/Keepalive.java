package ca.metered.realtime.server.connection;

import ca.metered.realtime.protocol.CloseCode;

/**
 * One connection's liveness (docs/protocol.md 8): when it last sent anything and when it was last
 * pinged. {@link Connections} ticks every connection from one sweep instead of a timer each.
 *
 * <p>Thread-safe: {@link #touch} from the connection's event loop, {@link #tick} from the
 * sweep.
 */
public final class Keepalive {
    private volatile long lastSeenNanos;
    private volatile long pingSentNanos;

    public Keepalive(long nowNanos) {
        this.lastSeenNanos = nowNanos;
        this.pingSentNanos = nowNanos;
    }

    /** Any inbound frame (data, ping, pong, close) proves the connection alive. */
    public void touch(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    /**
     * Pings once per interval and closes (1001 {@code ping timeout}) a connection that sent
     * nothing within the grace after a ping.
     */
    void tick(long nowNanos, long intervalNanos, long graceNanos, Link link) {
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
}

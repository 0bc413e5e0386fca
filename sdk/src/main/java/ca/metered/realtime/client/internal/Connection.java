package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.transport.WebSocketConnection;
import ca.metered.realtime.client.transport.WebSocketListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One WebSocket of a client, with its inactivity watchdog and keepalive (docs/sdk-behaviour.md 11.2). The
 * transport calls the listener methods on its own threads; each only posts to the client loop,
 * where the {@link Handler} compares the connection with its current one so that events of a
 * stale socket are ignored. Everything else is confined to the client loop.
 *
 * <p>The watchdog and the keepalive are two timers that are <em>not</em> re-armed per frame: a
 * frame only records the time, and a timer that fires early re-arms itself for the rest of the
 * window. Same behaviour as JS's re-armed timers, without two timer operations per message.
 */
final class Connection implements WebSocketListener {
    /** What the client does with this connection's events, on its loop. */
    interface Handler {
        void opened(Connection c);

        /** A text message. */
        void frame(Connection c, String text);

        void closed(Connection c, int code, String reason);

        void error(Connection c, Throwable error);

        /** The watchdog saw no frame for the whole inactivity window. */
        void inactive(Connection c, long windowMs);

        /** The keepalive is due: send a ping if appropriate. */
        void pingDue(Connection c);
    }

    private final Executor loop;
    private final Handler handler;
    private final LoopTimers timers;
    WebSocketConnection socket;
    boolean open;
    boolean closeSeen;
    /** {@code close()} calls waiting for this connection's close event (the 1 s flush). */
    final List<CompletableFuture<Void>> closeWaiters = new ArrayList<>(1);

    private long inactivityMs;
    private long heartbeatMs;
    private long lastInbound;
    private long lastPing;
    private LoopTimers.Timer inactivityTimer;
    private LoopTimers.Timer heartbeatTimer;

    Connection(Executor loop, Handler handler, LoopTimers timers) {
        this.loop = loop;
        this.handler = handler;
        this.timers = timers;
    }

    /** Starts the watchdog ({@code inactivityMs > 0}) and the keepalive ({@code heartbeatMs > 0}). */
    void startKeepalive(long inactivityMs, long heartbeatMs) {
        this.inactivityMs = inactivityMs;
        this.heartbeatMs = heartbeatMs;
        lastInbound = timers.nowMs();
        lastPing = lastInbound;
        if (inactivityMs > 0) {
            armInactivity(inactivityMs);
        }
        if (heartbeatMs > 0) {
            armHeartbeat(heartbeatMs);
        }
    }

    /** A frame arrived: both windows start again. */
    void touched() {
        lastInbound = timers.nowMs();
    }

    private void armInactivity(long delayMs) {
        inactivityTimer = timers.schedule(delayMs, () -> {
            inactivityTimer = null;
            long quiet = timers.nowMs() - lastInbound;
            if (quiet >= inactivityMs) {
                handler.inactive(this, inactivityMs);
            } else {
                armInactivity(inactivityMs - quiet);
            }
        });
    }

    private void armHeartbeat(long delayMs) {
        heartbeatTimer = timers.schedule(delayMs, () -> {
            heartbeatTimer = null;
            long quiet = timers.nowMs() - Math.max(lastInbound, lastPing);
            if (quiet >= heartbeatMs) {
                lastPing = timers.nowMs();
                handler.pingDue(this);
                armHeartbeat(heartbeatMs);
            } else {
                armHeartbeat(heartbeatMs - quiet);
            }
        });
    }

    void cancelTimers() {
        LoopTimers.cancel(inactivityTimer);
        LoopTimers.cancel(heartbeatTimer);
        inactivityTimer = null;
        heartbeatTimer = null;
    }

    @Override
    public void onOpen() {
        loop.execute(() -> handler.opened(this));
    }

    @Override
    public void onText(String text) {
        loop.execute(() -> handler.frame(this, text));
    }

    @Override
    public void onClose(int code, String reason) {
        loop.execute(() -> handler.closed(this, code, reason == null ? "" : reason));
    }

    @Override
    public void onError(Throwable error) {
        loop.execute(() -> handler.error(this, error));
    }
}

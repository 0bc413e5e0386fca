package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.transport.WebSocketConnection;
import ca.metered.realtime.client.transport.WebSocketListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One WebSocket attempt of a client and the timers tied to it. The transport calls the listener
 * methods on its own threads; each only posts to the client loop, where {@link DefaultSignallingClient}
 * compares the connection with its current one so events of a stale socket are ignored. All
 * fields are confined to the client loop.
 */
final class Connection implements WebSocketListener {
    /** What the client does with this connection's events, on its loop. */
    interface Handler {
        void opened(Connection c);

        void text(Connection c, String text);

        void closed(Connection c, int code, String reason);

        void error(Connection c, Throwable error);
    }

    private final Executor loop;
    private final Handler handler;
    WebSocketConnection socket;
    boolean open;
    boolean closeSeen;
    LoopTimers.Timer inactivityTimer;
    LoopTimers.Timer heartbeatTimer;
    /** {@code close()} calls waiting for this connection's close event (the 1 s flush). */
    final List<CompletableFuture<Void>> closeWaiters = new ArrayList<>(1);

    Connection(Executor loop, Handler handler) {
        this.loop = loop;
        this.handler = handler;
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
        loop.execute(() -> handler.text(this, text));
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

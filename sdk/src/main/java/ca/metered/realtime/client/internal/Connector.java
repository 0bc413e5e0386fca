package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.InvalidStateException;
import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.SignallingConnectException;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.client.TokenProviderException;
import ca.metered.realtime.client.internal.StateMachine.Trigger;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.ServerFrame;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Opens connections: credential (with the token provider's timeout and failure count), socket,
 * welcome timeout, and the per-connection inactivity watchdog and keepalive (sdk.md 7.3, 11.2).
 * Loop-confined.
 */
final class Connector implements Connection.Handler {
    static final long WELCOME_TIMEOUT_MS = 10_000;
    static final int MAX_INBOUND_CHARS = 1_048_576;
    static final int TOKEN_FAILURE_EVENT_THRESHOLD = 3;

    private final DefaultSignallingClient c;
    private final long inactivityMs;
    private final long heartbeatMs;
    private int epoch;
    private int consecutiveTokenFailures;
    /** The welcome this client waits for: the connect() future (null for reconnects) and its timer. */
    private PendingConnect pending;

    private record PendingConnect(CompletableFuture<Void> future, LoopTimers.Timer timer) {
    }

    Connector(DefaultSignallingClient client) {
        this.c = client;
        this.inactivityMs = client.options.inactivityTimeout().toMillis();
        // Two pings before the watchdog fires; floored at 1 s; off together with the watchdog.
        this.heartbeatMs = inactivityMs > 0 ? Math.max(1000, inactivityMs / 3) : 0;
    }

    /** JS {@code openSocket}; {@code connectFuture} is null for automatic reconnects. */
    void open(CompletableFuture<Void> connectFuture) {
        int myEpoch = ++epoch;
        if (connectFuture != null) {
            c.transition(Trigger.CONNECT);
        }
        if (c.options.apiKey().isPresent()) {
            build(myEpoch, connectFuture, "key", c.options.apiKey().get());
            return;
        }
        TokenProvider provider = c.options.tokenProvider().orElseThrow();
        long timeoutMs = c.options.tokenProviderTimeout().toMillis();
        boolean[] settled = {false};
        LoopTimers.Timer timer = c.timers.schedule(timeoutMs, () -> {
            if (!settled[0]) {
                settled[0] = true;
                tokenFailed(connectFuture, TokenProviderException.timeout(timeoutMs));
            }
        });
        CompletionStage<String> stage;
        try {
            stage = provider.token();
            if (stage == null) {
                throw new NullPointerException("tokenProvider returned a null stage");
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((token, err) -> c.loop.execute(() -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            timer.cancel();
            if (err != null || token == null || token.isEmpty()) {
                Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err;
                tokenFailed(connectFuture, TokenProviderException.failed(cause));
                return;
            }
            consecutiveTokenFailures = 0;
            build(myEpoch, connectFuture, "token", token);
        }));
    }

    private void tokenFailed(CompletableFuture<Void> connectFuture, RealtimeException err) {
        consecutiveTokenFailures++;
        if (consecutiveTokenFailures >= TOKEN_FAILURE_EVENT_THRESHOLD) {
            c.emit(new ClientEvent.TokenProviderError(consecutiveTokenFailures, err));
        }
        if (c.shouldScheduleReconnect(null)) {
            c.log("warn", "credential resolve failed; scheduling reconnect",
                    Map.of("err", err.getMessage(), "consecutiveFailures", consecutiveTokenFailures));
            c.scheduleReconnect();
            return;
        }
        if (c.wasEverConnected && !c.explicitlyClosed && c.state != ClientState.CLOSED) {
            // Deviation from JS 1.2.0 (sdk.md 15 q9): the documented contract promises a final
            // disconnected{willReconnect:false} when reconnecting gives up, so fire it here too.
            c.emit(new ClientEvent.Disconnected(1006, "tokenProvider failed; reconnect attempts exhausted", false));
        }
        c.transition(Trigger.DROP_TERMINAL);
        c.fail(connectFuture, err);
    }

    private void build(int myEpoch, CompletableFuture<Void> connectFuture, String param, String credential) {
        if (myEpoch != epoch) {
            c.log("debug", "open aborted: superseded by a newer connect during credential resolution", Map.of());
            c.fail(connectFuture, new InvalidStateException("connect superseded by a newer connect()", c.state));
            return;
        }
        if (c.explicitlyClosed) {
            c.log("debug", "open aborted: client closed during credential resolution", Map.of());
            c.transition(Trigger.CLOSE);
            c.fail(connectFuture, new InvalidStateException("client closed before connect completed", c.state));
            return;
        }
        URI uri = URI.create(c.options.url() + "/v1?" + param + "="
                + URLEncoder.encode(credential, StandardCharsets.UTF_8));
        c.log("debug", "opening socket", Map.of("url", Scrub.credentials(uri.toString()),
                "attempt", c.reconnectAttempts));
        Connection conn = new Connection(c.loop, this);
        c.current = conn;
        LoopTimers.Timer welcomeTimer = c.timers.schedule(WELCOME_TIMEOUT_MS, () -> {
            if (pending == null || c.current != conn) {
                return;
            }
            CompletableFuture<Void> f = pending.future();
            pending = null;
            c.fail(f, SignallingConnectException.welcomeTimeout(WELCOME_TIMEOUT_MS));
            conn.socket.close(4000, "welcome timeout");
        });
        pending = new PendingConnect(connectFuture, welcomeTimer);
        try {
            conn.socket = c.options.transport().connect(uri, conn);
        } catch (RuntimeException e) {
            c.log("warn", "websocket construction failed", Map.of("err", Scrub.credentials(String.valueOf(e))));
            conn.socket = NoSocket.INSTANCE;
            // Through the shared close path, so retry-or-stop follows the normal policy.
            c.handleClose(conn, 1006, "websocket construction failed");
        }
    }

    /** Fails the pending connect (if any) because its socket closed before the welcome. */
    void failPendingConnect(SignallingConnectException err) {
        if (pending != null) {
            pending.timer().cancel();
            c.fail(pending.future(), err);
            pending = null;
        }
    }

    void welcome(Connection conn, ServerFrame.Welcome w) {
        if (c.explicitlyClosed) {
            c.log("warn", "ignoring welcome frame after close()", Map.of());
            return;
        }
        if (pending == null) {
            c.log("warn", "unexpected welcome frame", Map.of());
            return;
        }
        pending.timer().cancel();
        CompletableFuture<Void> f = pending.future();
        pending = null;
        boolean isReconnect = c.wasEverConnected;
        c.reconnectAttempts = 0;
        c.wasEverConnected = true;
        c.lastCloseCode = null;
        c.peerId = w.peerId();
        c.transition(Trigger.WELCOME);
        c.emit(new ClientEvent.Connected(w.peerId(), w.serverTime(), w.expiresAt(), isReconnect, w.maxMessageSize(),
                IceServerParser.parse(Json.tree(w.metadata()))));
        c.complete(f);
        c.session.welcomed(w.maxMessageSize(), isReconnect);
    }

    @Override
    public void opened(Connection conn) {
        if (conn != c.current) {
            return;
        }
        c.log("debug", "ws open", Map.of());
        conn.open = true;
        armInactivity(conn);
        armHeartbeat(conn);
    }

    @Override
    public void text(Connection conn, String text) {
        if (conn != c.current) {
            c.log("warn", "ignoring frame from stale socket", Map.of());
            return;
        }
        if (text.length() > MAX_INBOUND_CHARS) {
            c.log("warn", "ws frame exceeds size cap, closing connection",
                    Map.of("size", text.length(), "cap", MAX_INBOUND_CHARS));
            conn.socket.close(1009, "frame exceeded client cap");
            return;
        }
        armInactivity(conn);
        armHeartbeat(conn); // traffic suppresses the next ping: probe only when idle
        c.session.handleFrame(conn, text);
    }

    @Override
    public void closed(Connection conn, int code, String reason) {
        if (conn.closeSeen) {
            return;
        }
        conn.closeSeen = true;
        conn.open = false;
        conn.cancelTimers();
        conn.closeWaiters.forEach(w -> w.complete(null));
        conn.closeWaiters.clear();
        if (conn != c.current) {
            c.log("warn", "ignoring close event from stale socket", Map.of("code", code));
            return;
        }
        c.handleClose(conn, code, reason);
    }

    @Override
    public void error(Connection conn, Throwable error) {
        c.log("warn", "ws error event", Map.of("err", Scrub.credentials(String.valueOf(error))));
    }

    private void armInactivity(Connection conn) {
        if (inactivityMs <= 0) {
            return;
        }
        LoopTimers.cancel(conn.inactivityTimer);
        conn.inactivityTimer = c.timers.schedule(inactivityMs, () -> {
            c.log("warn", "inactivity timeout - closing connection", Map.of("ms", inactivityMs));
            conn.socket.close(4000, "inactivity timeout");
        });
    }

    private void armHeartbeat(Connection conn) {
        if (heartbeatMs <= 0) {
            return;
        }
        LoopTimers.cancel(conn.heartbeatTimer);
        conn.heartbeatTimer = c.timers.schedule(heartbeatMs, () -> {
            conn.heartbeatTimer = null;
            if (c.current != conn) {
                return;
            }
            if (c.state == ClientState.CONNECTED && conn.open) {
                conn.socket.send(c.encode(new ClientFrame.Ping()));
            }
            armHeartbeat(conn);
        });
    }

    /** Stands in for a socket the transport failed to create. */
    private enum NoSocket implements ca.metered.realtime.client.transport.WebSocketConnection {
        INSTANCE;

        @Override
        public boolean send(String text) {
            return false;
        }

        @Override
        public void close(int code, String reason) {
        }
    }
}

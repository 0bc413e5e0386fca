package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.DisconnectedException;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.HistoryPage;
import ca.metered.realtime.client.InvalidArgumentException;
import ca.metered.realtime.client.InvalidStateException;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.OversizedPayloadException;
import ca.metered.realtime.client.PublishOptions;
import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.SignallingConnectException;
import ca.metered.realtime.client.SignallingException;
import ca.metered.realtime.client.SubscribeOptions;
import ca.metered.realtime.client.TokenProviderException;
import ca.metered.realtime.client.internal.StateMachine.Trigger;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The {@link SignallingClient}: public methods check their arguments (a failure completes the
 * returned future, never throws), then post to the client loop, a serial executor that owns all
 * state (no locks). This class owns the lifecycle: the state machine, the one current
 * {@link Attempt}, and the reconnect bookkeeping whose decisions {@link ReconnectPolicy} makes.
 * Opening attempts is {@link Connector}'s job, requests and inbound frames {@link ClientSession}'s;
 * both report back through interfaces and never change this class's fields.
 */
public final class DefaultSignallingClient implements SignallingClient {
    static final long CLOSE_FLUSH_MS = 1_000;

    private final SignallingClientOptions options;
    private final Logger logger;
    private final ClientRuntime runtime;
    private final SerialExecutor loop;
    private final SerialExecutor callbacks;
    private final LoopTimers timers;
    private final EventHub<ClientEvent> hub;
    private final ReconnectPolicy policy;
    private final ClientSession session;
    private final Connector connector;
    private final TokenRefresher refresher;
    private final PublishRetries retries;
    private final long inactivityMs;
    private final long heartbeatMs;

    // Loop-confined (state and peerId are volatile only so that getters can read them).
    private volatile ClientState state = ClientState.IDLE;
    private volatile String peerId;
    private volatile boolean disposed;
    private Attempt current;
    private boolean closedByUser;
    private boolean everConnected;
    private int failedAttempts;
    private boolean slowFloor;
    private LoopTimers.Timer reconnectTimer;

    public DefaultSignallingClient(SignallingClientOptions options) {
        this(options, ClientRuntime.shared(options.callbackExecutor().orElse(null)));
    }

    public DefaultSignallingClient(SignallingClientOptions options, ClientRuntime runtime) {
        this.options = Objects.requireNonNull(options, "options");
        this.runtime = runtime;
        this.logger = options.logger();
        this.loop = new SerialExecutor(runtime.loopBase(),
                t -> Loggers.safe(() -> logger.error("client loop task threw", Map.of("err", String.valueOf(t)))));
        this.callbacks = new SerialExecutor(runtime.callbackBase(),
                t -> Loggers.safe(() -> logger.error("callback threw", Map.of("err", String.valueOf(t)))));
        this.timers = new LoopTimers(runtime.scheduler(), loop);
        this.hub = new EventHub<>(callbacks, logger);
        this.policy = options.reconnect().map(ReconnectPolicy::of).orElse(ReconnectPolicy.disabled());
        this.session = new ClientSession(new SessionHost(), timers, runtime.requestIds(), options.recovery());
        this.refresher = options.tokenProvider().filter(p -> options.tokenRefresh())
                .map(p -> new TokenRefresher(p, options.tokenProviderTimeout().toMillis(), loop, timers, new RefreshHost()))
                .orElse(null);
        this.retries = new PublishRetries(timers);
        ConnectionEvents events = new ConnectionEvents();
        this.connector = new Connector(options, loop, timers, this::log, events, events);
        this.inactivityMs = options.inactivityTimeout().toMillis();
        // Two pings before the watchdog fires; floored at 1 s; off together with the watchdog.
        this.heartbeatMs = inactivityMs > 0 ? Math.max(1000, inactivityMs / 3) : 0;
    }

    // ---------------------------------------------------------------- public API

    @Override
    public ClientState state() {
        return state;
    }

    @Override
    public String peerId() {
        return peerId;
    }

    @Override
    public CompletableFuture<Void> connect() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            if (disposed) {
                fail(f, new InvalidStateException("connect: the client was disposed", state));
                return;
            }
            if (state != ClientState.IDLE && state != ClientState.CLOSED) {
                fail(f, new InvalidStateException("connect: invalid state '" + state.wireName() + "'", state));
                return;
            }
            closedByUser = false;
            failedAttempts = 0;
            slowFloor = false;
            // A fresh connect() tries once and reports; silent retries start after its welcome.
            everConnected = false;
            transition(Trigger.CONNECT);
            startAttempt(new Attempt(0, f));
        });
        return f;
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        closeOnLoop(code, reason == null ? "" : reason, false).whenComplete((v, e) -> complete(f));
        return f;
    }

    @Override
    public void close() {
        await(closeOnLoop(1000, "client requested close", false));
    }

    @Override
    public void dispose() {
        disposed = true;
        await(closeOnLoop(1000, "client disposed", true));
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.get(CLOSE_FLUSH_MS * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // close is best effort; the flush wait is a courtesy to the server
        }
    }

    /**
     * Completed on the loop (not the callback executor), so a blocking close() from a listener
     * cannot deadlock. The streams open at the call end once the close has flushed, so that the
     * final state-change and disconnected events are still in them.
     */
    private CompletableFuture<Void> closeOnLoop(int code, String reason, boolean dropListeners) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closedByUser = true; // first, so the close event does not schedule a reconnect
            LoopTimers.cancel(reconnectTimer);
            reconnectTimer = null;
            session.detach();
            cancelRefresh();
            retries.failAll(new DisconnectedException(code, reason == null ? "" : reason));
            List<EventStream<?>> streams = hub.openStreams();
            done.whenComplete((v, e) -> loop.execute(() -> {
                hub.endStreams(streams);
                if (dropListeners) {
                    hub.clear();
                }
            }));
            Attempt a = current;
            if (a != null && a.phase == Attempt.Phase.CREDENTIAL) {
                a.end();
                current = null;
                fail(a.takeConnectFuture(), new InvalidStateException("connect() overtaken by close()", state));
                a = null;
            }
            if (a == null || a.connection == null || state == ClientState.CLOSED) {
                transition(Trigger.CLOSE);
                done.complete(null);
                return;
            }
            Connection c = a.connection;
            c.cancelTimers();
            c.closeWaiters.add(done);
            timers.schedule(CLOSE_FLUSH_MS, () -> done.complete(null));
            c.socket.close(code, reason);
            transition(Trigger.CLOSE);
        });
        return done;
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return subscribe(channel, SubscribeOptions.DEFAULT);
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel, SubscribeOptions opts) {
        InvalidArgumentException bad = firstOf(Validation.channel(channel), Validation.notNull(opts, "options"));
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (bad != null) {
            fail(f, bad);
            return f;
        }
        loop.execute(() -> session.subscribe(channel, opts, userAck(f)));
        return f;
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        InvalidArgumentException bad = Validation.channel(channel);
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (bad != null) {
            fail(f, bad);
            return f;
        }
        loop.execute(() -> session.unsubscribe(channel, userAck(f)));
        return f;
    }

    @Override
    public CompletableFuture<Void> publish(String channel, Object data) {
        return request(Validation.channel(channel), data, (json, rid) -> new ClientFrame.Publish(channel, json, rid));
    }

    @Override
    public CompletableFuture<StreamPosition> publish(String channel, Object data, PublishOptions opts) {
        CompletableFuture<StreamPosition> f = new CompletableFuture<>();
        String json;
        try {
            InvalidArgumentException bad = firstOf(Validation.channel(channel), Validation.notNull(opts, "options"));
            if (bad != null) {
                throw bad;
            }
            json = Json.serialize(data);
        } catch (InvalidArgumentException e) {
            callbacks.execute(() -> f.completeExceptionally(e));
            return f;
        }
        String key = opts.idempotencyKey() != null ? opts.idempotencyKey() : UUID.randomUUID().toString();
        int size = Json.utf8Length(json);
        RawJson raw = RawJson.of(json);
        long deadline = runtime.scheduler().nowMs() + opts.retryFor().toMillis();
        loop.execute(() -> {
            int cap = session.maxMessageSize();
            if (size > cap) {
                callbacks.execute(() -> f.completeExceptionally(new OversizedPayloadException(size, cap)));
                return;
            }
            publishAttempt(channel, raw, key, deadline, f);
        });
        return f;
    }

    /** One try of an idempotent publish; a retryable failure parks it until the next welcome (same key). */
    private void publishAttempt(String channel, RawJson raw, String key, long deadline,
                                CompletableFuture<StreamPosition> f) {
        session.sendWithAck(rid -> new ClientFrame.Publish(channel, raw, rid, key), new PendingAcks.Ack() {
            @Override
            public void done(SignallingException err) {
                if (err == null) {
                    callbacks.execute(() -> f.complete(null));
                } else if (PublishRetries.retryable(err) && !closedByUser && timers.nowMs() < deadline) {
                    retries.park(deadline, () -> publishAttempt(channel, raw, key, deadline, f),
                            e -> callbacks.execute(() -> f.completeExceptionally(e)), err);
                } else {
                    callbacks.execute(() -> f.completeExceptionally(err));
                }
            }

            @Override
            public void acked(Reply reply) {
                session.ownPublish(channel, reply.position());
                callbacks.execute(() -> f.complete(reply.position()));
            }
        });
    }

    @Override
    public CompletableFuture<HistoryPage> history(String channel, int limit) {
        return history(channel, limit, null);
    }

    @Override
    public CompletableFuture<HistoryPage> history(String channel, int limit, StreamPosition since) {
        CompletableFuture<HistoryPage> f = new CompletableFuture<>();
        InvalidArgumentException bad = Validation.channel(channel);
        if (bad == null && limit < 0) {
            bad = new InvalidArgumentException("limit must be >= 0, got " + limit);
        }
        if (bad != null) {
            InvalidArgumentException e = bad;
            callbacks.execute(() -> f.completeExceptionally(e));
            return f;
        }
        loop.execute(() -> session.sendWithAck(rid -> new ClientFrame.History(channel, limit, since, rid),
                new PendingAcks.Ack() {
                    @Override
                    public void done(SignallingException err) {
                        callbacks.execute(() -> {
                            if (err == null) {
                                f.completeExceptionally(new SignallingException("protocol_error",
                                        "history answered without messages (server without history support?)"));
                            } else {
                                f.completeExceptionally(err);
                            }
                        });
                    }

                    @Override
                    public void acked(Reply reply) {
                        if (reply.messages() == null) {
                            done(null);
                            return;
                        }
                        HistoryPage page = new HistoryPage(reply.messages(), reply.position());
                        callbacks.execute(() -> f.complete(page));
                    }
                }));
        return f;
    }

    @Override
    public CompletableFuture<Void> send(String peerId, Object data) {
        return request(Validation.peerId(peerId), data, (json, rid) -> new ClientFrame.Send(peerId, json, rid));
    }

    private interface FrameBuilder {
        ClientFrame build(RawJson data, String requestId);
    }

    private CompletableFuture<Void> request(InvalidArgumentException bad, Object data, FrameBuilder frame) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        String json;
        try {
            if (bad != null) {
                throw bad;
            }
            json = Json.serialize(data);
        } catch (InvalidArgumentException e) {
            fail(f, e);
            return f;
        }
        int size = Json.utf8Length(json);
        RawJson raw = RawJson.of(json);
        loop.execute(() -> {
            int cap = session.maxMessageSize();
            // Checked before the state gate, as in the JS SDK: an oversized frame would cost the connection (1009).
            if (size > cap) {
                fail(f, new OversizedPayloadException(size, cap));
                return;
            }
            session.sendWithAck(rid -> frame.build(raw, rid), userAck(f));
        });
        return f;
    }

    @Override
    public <E extends ClientEvent> Registration on(Class<E> type, Consumer<? super E> listener) {
        return hub.on(type, listener, false);
    }

    @Override
    public <E extends ClientEvent> Registration once(Class<E> type, Consumer<? super E> listener) {
        return hub.on(type, listener, true);
    }

    @Override
    public <E extends ClientEvent> EventStream<E> events(Class<E> type) {
        return hub.stream(type, options.eventStreamCapacity());
    }

    @Override
    public <E extends ClientEvent> EventStream<E> events(Class<E> type, int capacity) {
        return hub.stream(type, capacity);
    }

    @Override
    public String toString() {
        return "SignallingClient[state=" + state.wireName() + ", peerId=" + peerId + "]";
    }

    /** Test hook: the tracked subscriptions; call on the loop (or with direct executors). */
    public Map<String, SubscribeOptions> trackedSubscriptions() {
        return session.subscriptions();
    }

    // ---------------------------------------------------------------- lifecycle (loop)

    private void startAttempt(Attempt attempt) {
        current = attempt;
        connector.start(attempt);
    }

    /** Applies {@code trigger}; fires one state-change when the state changes. False if not allowed. */
    private boolean transition(Trigger trigger) {
        ClientState from = state;
        ClientState to = StateMachine.next(from, trigger);
        if (to == null) {
            log("debug", "ignored " + trigger + " in state " + from.wireName(), Map.of());
            return false;
        }
        if (to != from) {
            state = to;
            hub.emit(new ClientEvent.StateChange(from, to));
        }
        return true;
    }

    private ReconnectPolicy.Decision decide(Integer closeCode) {
        return policy.next(closeCode, failedAttempts, everConnected, closedByUser, slowFloor,
                runtime.random().getAsDouble());
    }

    private void scheduleReconnect(ReconnectPolicy.Retry retry) {
        if (reconnectTimer != null) {
            return;
        }
        failedAttempts = retry.attempt();
        slowFloor = false; // the 4010 floor is consumed by one attempt
        transition(Trigger.DROP_RETRY);
        log("info", "scheduling reconnect", Map.of("attempt", retry.attempt(), "delayMs", retry.delayMs()));
        reconnectTimer = timers.schedule(retry.delayMs(), () -> {
            reconnectTimer = null;
            if (!closedByUser) {
                startAttempt(new Attempt(failedAttempts, null));
            }
        });
    }

    /** The current attempt's socket closed: JS {@code handleClose}. */
    private void handleClose(Attempt a, int code, String reason) {
        log("info", "ws closed", Map.of("code", code, "reason", reason));
        a.end();
        cancelRefresh();
        List<PendingAcks.Ack> orphans = session.drain();
        current = null;
        slowFloor = ReconnectPolicy.isSlow(code);
        ReconnectPolicy.Decision decision = decide(code);
        hub.emit(new ClientEvent.Disconnected(code, reason, decision instanceof ReconnectPolicy.Retry));
        if (decision instanceof ReconnectPolicy.Retry retry) {
            scheduleReconnect(retry);
        } else {
            transition(Trigger.DROP_TERMINAL);
        }
        // After the state change, as in JS where the rejections run as microtasks after handleClose:
        // a caller whose connect() failed must already see the new state.
        fail(a.takeConnectFuture(), new SignallingConnectException(code, reason));
        DisconnectedException err = new DisconnectedException(code, reason);
        orphans.forEach(ack -> ack.done(err));
    }

    private void handleWelcome(Connection conn, ServerFrame.Welcome w, JsonNode metadata) {
        Attempt a = current;
        if (closedByUser) {
            log("warn", "ignoring welcome frame after close()", Map.of());
            return;
        }
        if (a == null || a.connection != conn || a.phase != Attempt.Phase.OPENING) {
            log("warn", "unexpected welcome frame", Map.of());
            return;
        }
        LoopTimers.cancel(a.welcomeTimer);
        a.welcomeTimer = null;
        a.phase = Attempt.Phase.WELCOMED;
        boolean isReconnect = everConnected;
        failedAttempts = 0;
        everConnected = true;
        slowFloor = false;
        peerId = w.peerId();
        transition(Trigger.WELCOME);
        hub.emit(new ClientEvent.Connected(w.peerId(), w.serverTime(), w.expiresAt(), isReconnect, w.maxMessageSize(),
                IceServerParser.parse(metadata)));
        complete(a.takeConnectFuture());
        session.attach(conn, w.maxMessageSize(), isReconnect && options.autoResubscribe());
        if (refresher != null) {
            refresher.welcomed(conn, w.serverTime(), w.expiresAt());
        }
        retries.resume(); // after the subscriptions: parked publishes go out on the new connection
    }

    private void cancelRefresh() {
        if (refresher != null) {
            refresher.cancel();
        }
    }

    private boolean isLive(Connection conn) {
        return current != null && current.connection == conn;
    }

    // ---------------------------------------------------------------- helpers

    private void complete(CompletableFuture<Void> f) {
        if (f != null) {
            callbacks.execute(() -> f.complete(null));
        }
    }

    private void fail(CompletableFuture<Void> f, RealtimeException e) {
        if (f != null) {
            callbacks.execute(() -> f.completeExceptionally(e));
        }
    }

    private PendingAcks.Ack userAck(CompletableFuture<Void> f) {
        return err -> {
            if (err == null) {
                complete(f);
            } else {
                fail(f, err);
            }
        };
    }

    private static InvalidArgumentException firstOf(InvalidArgumentException a, InvalidArgumentException b) {
        return a != null ? a : b;
    }

    void log(String level, String message, Map<String, Object> ctx) {
        Loggers.log(logger, level, message, ctx);
    }

    // ---------------------------------------------------------------- collaborators' callbacks (loop)

    /** What the session reports. */
    private final class SessionHost implements ClientSession.Host {
        @Override
        public void emit(ClientEvent event) {
            hub.emit(event);
        }

        @Override
        public void welcome(Connection connection, ServerFrame.Welcome welcome, JsonNode metadata) {
            handleWelcome(connection, welcome, metadata);
        }

        @Override
        public ClientState state() {
            return state;
        }

        @Override
        public void log(String level, String message, Map<String, Object> context) {
            DefaultSignallingClient.this.log(level, message, context);
        }
    }

    /** What the token refresher needs. */
    private final class RefreshHost implements TokenRefresher.Host {
        @Override
        public boolean isLive(Connection connection) {
            return DefaultSignallingClient.this.isLive(connection) && state == ClientState.CONNECTED && !closedByUser;
        }

        @Override
        public void sendWithAck(java.util.function.Function<String, ClientFrame> frame, PendingAcks.Ack ack) {
            session.sendWithAck(frame, ack);
        }

        @Override
        public void reconnect(Connection connection, String reason) {
            connection.socket.close(4000, reason);
        }

        @Override
        public void log(String level, String message, Map<String, Object> context) {
            DefaultSignallingClient.this.log(level, message, context);
        }
    }

    /** What attempts and their sockets report. */
    private final class ConnectionEvents implements Connector.Listener, Connection.Handler {
        @Override
        public boolean isCurrent(Attempt attempt) {
            return attempt == current && !closedByUser;
        }

        @Override
        public void credentialFailed(Attempt attempt, TokenProviderException error, int consecutiveFailures) {
            if (attempt != current) {
                return;
            }
            if (consecutiveFailures >= Connector.TOKEN_FAILURE_EVENT_THRESHOLD) {
                hub.emit(new ClientEvent.TokenProviderError(consecutiveFailures, error));
            }
            attempt.end();
            ReconnectPolicy.Decision decision = decide(null);
            if (decision instanceof ReconnectPolicy.Retry retry) {
                log("warn", "credential resolve failed; scheduling reconnect",
                        Map.of("err", String.valueOf(error.getMessage()), "consecutiveFailures", consecutiveFailures));
                current = null;
                scheduleReconnect(retry);
                return;
            }
            if (everConnected && !closedByUser && state != ClientState.CLOSED) {
                // Deviation from JS 1.2.0 (docs/sdk-behaviour.md 15 q9): the documented contract promises a final
                // disconnected{willReconnect:false} when reconnecting gives up, so fire it here too.
                hub.emit(new ClientEvent.Disconnected(1006, "tokenProvider failed; reconnect attempts exhausted", false));
            }
            current = null;
            transition(Trigger.DROP_TERMINAL);
            fail(attempt.takeConnectFuture(), error);
        }

        @Override
        public void welcomeTimedOut(Attempt attempt, SignallingConnectException error) {
            fail(attempt.takeConnectFuture(), error);
        }

        @Override
        public void opened(Connection conn) {
            if (!isLive(conn)) {
                return;
            }
            log("debug", "ws open", Map.of());
            conn.open = true;
            conn.startKeepalive(inactivityMs, heartbeatMs);
        }

        @Override
        public void frame(Connection conn, String text) {
            if (!isLive(conn)) {
                log("warn", "ignoring frame from stale socket", Map.of());
                return;
            }
            // Decoded here, on the loop, not on the transport's thread: one busy connection then
            // spreads over two threads (transport: frames and UTF-8; loop: JSON and dispatch).
            Inbound frame = Inbound.decode(text);
            if (frame.oversized()) {
                log("warn", "ws frame exceeds size cap, closing connection", Map.of("cap", Inbound.MAX_CHARS));
                conn.socket.close(1009, "frame exceeded client cap");
                return;
            }
            conn.touched();
            session.handleFrame(conn, frame);
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
            if (!isLive(conn)) {
                log("warn", "ignoring close event from stale socket", Map.of("code", code));
                return;
            }
            handleClose(current, code, reason);
        }

        @Override
        public void error(Connection conn, Throwable error) {
            log("warn", "ws error event", Map.of("err", Scrub.credentials(String.valueOf(error))));
        }

        @Override
        public void inactive(Connection conn, long windowMs) {
            log("warn", "inactivity timeout - closing connection", Map.of("ms", windowMs));
            conn.socket.close(4000, "inactivity timeout");
        }

        @Override
        public void pingDue(Connection conn) {
            if (isLive(conn) && state == ClientState.CONNECTED && conn.open) {
                session.sendUnacked(new ClientFrame.Ping());
            }
        }
    }
}

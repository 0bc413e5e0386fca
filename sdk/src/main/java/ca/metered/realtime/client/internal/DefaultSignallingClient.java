package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.AckTimeoutException;
import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.DisconnectedException;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.InvalidStateException;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.NotConnectedException;
import ca.metered.realtime.client.OversizedPayloadException;
import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.client.ServerRequestException;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.SignallingConnectException;
import ca.metered.realtime.client.SubscribeOptions;
import ca.metered.realtime.client.internal.StateMachine.Trigger;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The {@link SignallingClient}: public methods validate their arguments, then post to the client
 * loop, a serial executor that owns all state (no locks). The lifecycle (connect, welcome,
 * close, reconnect) is here; frames and requests are in {@link ClientSession}.
 */
public final class DefaultSignallingClient implements SignallingClient {
    static final long CLOSE_FLUSH_MS = 1_000;

    final SignallingClientOptions options;
    final Logger logger;
    final SerialExecutor loop;
    final SerialExecutor callbacks;
    final LoopTimers timers;
    final EventHub<ClientEvent> hub;
    final ClientRuntime runtime;
    final Backoff backoff;
    final ClientSession session;
    private final Connector connector;

    // Loop-confined state (state and peerId are volatile only so that getters can read them).
    volatile ClientState state = ClientState.IDLE;
    volatile String peerId;
    Connection current;
    boolean explicitlyClosed;
    boolean wasEverConnected;
    int reconnectAttempts;
    LoopTimers.Timer reconnectTimer;
    long nextDelayFloorMs;
    Integer lastCloseCode;

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
        this.backoff = options.reconnect().map(r -> new Backoff(r, runtime.random())).orElse(null);
        this.session = new ClientSession(this);
        this.connector = new Connector(this);
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
            if (state != ClientState.IDLE && state != ClientState.CLOSED) {
                fail(f, new InvalidStateException("connect: invalid state '" + state.wireName() + "'", state));
                return;
            }
            explicitlyClosed = false;
            reconnectAttempts = 0;
            // A fresh connect() tries once and reports; silent retries start after its welcome.
            wasEverConnected = false;
            connector.open(f);
        });
        return f;
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        CompletableFuture<Void> internal = closeOnLoop(code, reason);
        CompletableFuture<Void> f = new CompletableFuture<>();
        internal.whenComplete((v, e) -> complete(f));
        return f;
    }

    @Override
    public void close() {
        try {
            closeOnLoop(1000, "client requested close").get(CLOSE_FLUSH_MS * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // close is best effort; the flush wait is a courtesy to the server
        }
    }

    /** Completed on the loop (not the callback executor), so a blocking close() from a listener cannot deadlock. */
    private CompletableFuture<Void> closeOnLoop(int code, String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            explicitlyClosed = true; // first, so the close event does not schedule a reconnect
            LoopTimers.cancel(reconnectTimer);
            reconnectTimer = null;
            session.clearReplayTimers();
            Connection c = current;
            if (c == null || state == ClientState.CLOSED) {
                transition(Trigger.CLOSE);
                done.complete(null);
                return;
            }
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
        Validation.channel(channel);
        Objects.requireNonNull(opts, "options");
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> session.subscribe(channel, opts, f));
        return f;
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        Validation.channel(channel);
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> session.unsubscribe(channel, f));
        return f;
    }

    @Override
    public CompletableFuture<Void> publish(String channel, Object data) {
        Validation.channel(channel);
        String json = Json.serialize(data);
        return request(json, rid -> new ClientFrame.Publish(channel, RawJson.of(json), rid));
    }

    @Override
    public CompletableFuture<Void> send(String peerId, Object data) {
        Validation.peerId(peerId);
        String json = Json.serialize(data);
        return request(json, rid -> new ClientFrame.Send(peerId, RawJson.of(json), rid));
    }

    private CompletableFuture<Void> request(String json, java.util.function.Function<String, ClientFrame> frame) {
        int size = Json.utf8Length(json);
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            int cap = session.maxMessageSize();
            // Checked before the state gate, as in the JS SDK: an oversized frame would cost the connection (1009).
            if (size > cap) {
                fail(f, new OversizedPayloadException(size, cap));
                return;
            }
            session.sendWithAck(frame, userAck(f));
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

    // ---------------------------------------------------------------- loop internals

    /** Applies {@code trigger}; fires one state-change when the state changes. False if not allowed. */
    boolean transition(Trigger trigger) {
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

    /** Should a close (or token failure, {@code code == null}) lead to another attempt? */
    boolean shouldScheduleReconnect(Integer code) {
        if (explicitlyClosed || backoff == null || !wasEverConnected) {
            return false;
        }
        if (code != null && (code == 4001 || code == 4003 || code == 4012 || code == 4020)) {
            return false;
        }
        return reconnectAttempts < options.reconnect().orElseThrow().maxAttempts();
    }

    void scheduleReconnect() {
        if (reconnectTimer != null || backoff == null || explicitlyClosed) {
            return;
        }
        reconnectAttempts++;
        long delay = backoff.delayMs(reconnectAttempts, nextDelayFloorMs);
        nextDelayFloorMs = 0; // the 4010 floor is consumed by one attempt
        transition(Trigger.DROP_RETRY);
        log("info", "scheduling reconnect", Map.of("attempt", reconnectAttempts, "delayMs", delay,
                "lastCloseCode", String.valueOf(lastCloseCode)));
        reconnectTimer = timers.schedule(delay, () -> {
            reconnectTimer = null;
            connector.open(null);
        });
    }

    /** The socket of {@code c} closed: JS {@code handleClose}. */
    void handleClose(Connection c, int code, String reason) {
        log("info", "ws closed", Map.of("code", code, "reason", reason));
        c.cancelTimers();
        session.clearReplayTimers();
        var orphans = session.drainPending();
        current = null;
        lastCloseCode = code;
        if (code == 4010) {
            nextDelayFloorMs = Backoff.SLOW_FLOOR_MS;
        }
        boolean willReconnect = shouldScheduleReconnect(code);
        hub.emit(new ClientEvent.Disconnected(code, reason, willReconnect));
        if (willReconnect) {
            scheduleReconnect();
        } else {
            transition(Trigger.DROP_TERMINAL);
        }
        // After the state change, as in JS where the rejections run as microtasks after handleClose:
        // a caller whose connect() failed must already see the new state (the futures complete
        // on the callback executor, which may run before this loop task ends).
        connector.failPendingConnect(new SignallingConnectException(code, reason));
        DisconnectedException err = new DisconnectedException(code, reason);
        orphans.forEach(ack -> ack.done(err));
    }

    void connectorWelcome(Connection conn, ca.metered.realtime.protocol.frame.ServerFrame.Welcome w) {
        connector.welcome(conn, w);
    }

    void emit(ClientEvent event) {
        hub.emit(event);
    }

    void complete(CompletableFuture<Void> f) {
        if (f != null) {
            callbacks.execute(() -> f.complete(null));
        }
    }

    void fail(CompletableFuture<Void> f, RealtimeException e) {
        if (f != null) {
            callbacks.execute(() -> f.completeExceptionally(e));
        }
    }

    ClientSession.Ack userAck(CompletableFuture<Void> f) {
        return err -> {
            if (err == null) {
                complete(f);
            } else {
                fail(f, err);
            }
        };
    }

    AckTimeoutException ackTimeout(String rid) {
        return new AckTimeoutException(rid, Duration.ofMillis(ClientSession.ACK_TIMEOUT_MS));
    }

    ServerRequestException serverError(String code, String message, String rid) {
        return new ServerRequestException(code, message, rid);
    }

    NotConnectedException notConnected() {
        return new NotConnectedException(state);
    }

    String encode(ClientFrame frame) {
        return FrameCodec.encode(frame);
    }

    /** Test hook: the tracked subscriptions; call on the loop (or with direct executors). */
    public Map<String, SubscribeOptions> trackedSubscriptions() {
        return session.subscriptions();
    }

    void log(String level, String message, Map<String, Object> ctx) {
        Loggers.safe(() -> {
            switch (level) {
                case "debug" -> logger.debug(message, ctx);
                case "info" -> logger.info(message, ctx);
                case "warn" -> logger.warn(message, ctx);
                default -> logger.error(message, ctx);
            }
        });
    }
}

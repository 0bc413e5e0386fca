package ca.metered.realtime.client;

import ca.metered.realtime.client.internal.DefaultSignallingClient;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Pub/sub, presence and direct messages over one WebSocket, with acks, automatic reconnect,
 * token refresh, keepalive and re-subscription; the Java port of the JS SDK's
 * {@code SignallingClient} (1.2.0).
 *
 * <pre>{@code
 * try (SignallingClient client = SignallingClient.create(SignallingClientOptions.builder()
 *         .apiKey("pk_live_…").url("wss://rms.example.com").build())) {
 *     client.on(ClientEvent.Message.class, m -> System.out.println(m.from() + ": " + m.data()));
 *     client.connect().join();
 *     client.subscribe("rooms/lobby").join();
 *     client.publish("rooms/lobby", Map.of("text", "hello")).join();
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> Thread-safe: every method may be called from any thread, including from
 * listeners. The client's state lives on one internal serial loop; methods post to it and return
 * at once. Listeners and future completions run on the callback executor
 * ({@link SignallingClientOptions.Builder#callbackExecutor}), one at a time and in event order,
 * never on a transport thread and never under a lock. A listener that throws is logged and does
 * not affect other listeners.
 *
 * <p><b>Errors.</b> One rule, as in the JS SDK (whose methods returning a promise reject and never
 * throw): a method returning a {@link CompletableFuture} never throws; every failure, bad arguments
 * included, completes the future exceptionally with a {@link SignallingException}. Only
 * {@link SignallingClientOptions.Builder#build()} and the listener methods throw at the call.
 *
 * <p><b>Requests.</b> {@link #subscribe}, {@link #unsubscribe}, {@link #publish} and {@link #send}
 * complete when the server acks, and fail with {@link ServerRequestException} (server
 * {@code error}), {@link NotConnectedException} (state not {@code connected}; nothing was sent),
 * {@link DisconnectedException} (closed before the ack), {@link AckTimeoutException} (15 s),
 * {@link OversizedPayloadException} or {@link InvalidArgumentException} (malformed channel or
 * peerId, {@code null}, data Jackson cannot serialise; both checked before anything is sent).
 * There is no outbound buffer: retry after {@code connected}.
 *
 * <p><b>Data.</b> {@code data} is any JSON value: a Jackson {@code JsonNode}, maps, lists,
 * strings, numbers, booleans or POJOs (serialised with Jackson); for JSON {@code null} pass
 * {@code NullNode.getInstance()}. Received data is a {@code JsonNode}; see
 * {@link ClientEvent.Message#data(Class)}.
 */
public interface SignallingClient extends AutoCloseable {

    /** Creates a client in state {@code idle}; it does not connect until {@link #connect()}. */
    static SignallingClient create(SignallingClientOptions options) {
        return new DefaultSignallingClient(options);
    }

    ClientState state();

    /** The peerId of the last welcome, or {@code null} before the first. */
    String peerId();

    /**
     * Opens the WebSocket and completes on the server's welcome. Allowed in {@code idle} and
     * {@code closed}, else fails with {@link InvalidStateException}. A first connect that fails is
     * not retried: it fails with {@link SignallingConnectException} (branch on
     * {@code closeCode()}) or {@link TokenProviderException}. Automatic reconnects start only
     * after a successful welcome.
     */
    CompletableFuture<Void> connect();

    /**
     * Closes the connection; no reconnect follows (call {@link #connect()} again to start over).
     * Completes when the socket's close is seen or after at most 1 s. Idempotent.
     *
     * <p>Every {@link EventStream} open at the call ends once the close has completed (after the
     * final {@code state-change} and {@code disconnected} events): {@link EventStream#take()}
     * returns what is still queued, then {@code null}. Listeners stay registered; streams opened
     * later (for a new {@code connect()}) work as usual.
     */
    CompletableFuture<Void> close(int code, String reason);

    /** {@code close(1000, "client requested close")} and waits for it (at most about 1 s). */
    @Override
    void close();

    /**
     * Tears the client down for good (Dart {@code dispose()}): closes like {@link #close()} and
     * waits for it, ends every open {@link EventStream}, removes every listener (after the final
     * events have been delivered to them), and makes the client terminal: a later
     * {@link #connect()} fails with {@link InvalidStateException}. Use it when the owner of the
     * client goes away; use {@link #close()} to keep the object for another {@code connect()}.
     * Idempotent.
     */
    void dispose();

    /** {@code subscribe(channel, SubscribeOptions.DEFAULT)}. */
    CompletableFuture<Void> subscribe(String channel);

    /**
     * Subscribes to {@code channel} (or every channel matching a glob); completes on the ack. The
     * channel is tracked from the call on, and re-subscribed with the same options after every
     * reconnect while {@code autoResubscribe} is on. Subscribing again replaces the options.
     */
    CompletableFuture<Void> subscribe(String channel, SubscribeOptions options);

    /** Leaves {@code channel} and stops tracking it; idempotent on the server. */
    CompletableFuture<Void> unsubscribe(String channel);

    /**
     * Delivers {@code data} to every other subscriber of {@code channel}; the server does not echo a
     * publish back to its own connection (docs/protocol.md 2.2).
     */
    CompletableFuture<Void> publish(String channel, Object data);

    /**
     * An idempotent publish (an rms extension, docs/protocol.md 9): like {@link #publish(String, Object)}
     * with an {@code idempotencyKey} ({@linkplain PublishOptions#idempotencyKey() yours}, or one
     * generated for this call) that the server uses to deliver it once per channel within the app's
     * idempotency window. A try that fails with {@link DisconnectedException},
     * {@link NotConnectedException}, {@link AckTimeoutException} or a {@code backend_error} is sent
     * again with the same key — after the next welcome, or 1 s later while connected — until
     * {@link PublishOptions#retryFor()} has passed; then the future fails with the last error.
     * Completes with the message's position on a channel with history, else with {@code null}.
     */
    CompletableFuture<StreamPosition> publish(String channel, Object data, PublishOptions options);

    /** {@code history(channel, limit, null)}: the newest {@code limit} messages, oldest first. */
    CompletableFuture<HistoryPage> history(String channel, int limit);

    /**
     * Reads a channel's history (an rms extension, docs/protocol.md 9): the newest {@code limit}
     * messages, or with {@code since} the oldest {@code limit} after it, oldest first; the server
     * caps {@code limit} at the channel's size and a page at half its outbound buffer. Fails with
     * {@link ServerRequestException} {@code history_not_enabled} (a channel without history),
     * {@code unrecoverable_position} ({@code since} no longer kept or of another epoch),
     * {@code channel_not_authorized} / {@code action_not_permitted} (checked as a subscribe).
     */
    CompletableFuture<HistoryPage> history(String channel, int limit, StreamPosition since);

    /** Delivers {@code data} to every connection of peer {@code peerId}. */
    CompletableFuture<Void> send(String peerId, Object data);

    /**
     * Calls {@code listener} for every event of {@code type}; {@code ClientEvent.class} receives
     * all events. Returns a handle that removes the registration.
     */
    <E extends ClientEvent> Registration on(Class<E> type, Consumer<? super E> listener);

    /** Like {@link #on} but removed after the first event. */
    <E extends ClientEvent> Registration once(Class<E> type, Consumer<? super E> listener);

    /** A stream of the events of {@code type} with the default capacity (4096); close it when done. */
    <E extends ClientEvent> EventStream<E> events(Class<E> type);

    /** A stream with its own capacity (≥ 1). */
    <E extends ClientEvent> EventStream<E> events(Class<E> type, int capacity);
}

package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.NotConnectedException;
import ca.metered.realtime.client.ServerRequestException;
import ca.metered.realtime.client.SignallingException;
import ca.metered.realtime.client.SubscribeOptions;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What flows over a welcomed connection: requests and their acks ({@link PendingAcks}), the tracked
 * subscriptions ({@link Subscriptions}) and the dispatch of inbound frames to events. It knows
 * nothing of the connection lifecycle: the client {@link #attach attaches} a connection after its
 * welcome and {@link #detach detaches} it when it stops being usable. Loop-confined.
 */
final class ClientSession {
    static final long ACK_TIMEOUT_MS = 15_000;
    static final int DEFAULT_MAX_MESSAGE_SIZE = 65_536;

    /** What the session needs from its client; called on the loop. */
    interface Host {
        void emit(ClientEvent event);

        /** A {@code welcome} arrived on {@code connection}; {@code metadata} is its metadata object or {@code null}. */
        void welcome(Connection connection, ServerFrame.Welcome welcome, JsonNode metadata);

        /** The current state, for {@link NotConnectedException}. */
        ca.metered.realtime.client.ClientState state();

        void log(String level, String message, Map<String, Object> context);
    }

    private final Host host;
    private final Supplier<String> requestIds;
    private final PendingAcks acks;
    private final Subscriptions subscriptions;
    private Connection live;
    private Integer maxMessageSize;

    ClientSession(Host host, LoopTimers timers, Supplier<String> requestIds) {
        this(host, timers, requestIds, false);
    }

    /** With {@code recovery}, exact channels are subscribed naming their last position (docs/protocol.md 9). */
    ClientSession(Host host, LoopTimers timers, Supplier<String> requestIds, boolean recovery) {
        this.host = host;
        this.requestIds = requestIds;
        this.acks = new PendingAcks(timers, ACK_TIMEOUT_MS);
        this.subscriptions = new Subscriptions(timers, this::sendWithAck, () -> live != null,
                (msg, ctx) -> host.log("warn", msg, ctx), (msg, ctx) -> host.log("info", msg, ctx), host::emit,
                recovery);
    }

    /** A publish of this client on {@code channel} was acked at {@code position} (null: no history). */
    void ownPublish(String channel, StreamPosition position) {
        if (position != null && subscriptions.recovering(channel)) {
            subscriptions.positions().ownPublish(channel, position);
        }
    }

    int maxMessageSize() {
        return maxMessageSize != null ? maxMessageSize : DEFAULT_MAX_MESSAGE_SIZE;
    }

    Map<String, SubscribeOptions> subscriptions() {
        return subscriptions.snapshot();
    }

    /** Requests go on {@code connection} from now on; after a reconnect the subscriptions are replayed. */
    void attach(Connection connection, int maxMessageSize, boolean replay) {
        this.live = connection;
        this.maxMessageSize = maxMessageSize;
        subscriptions.resetRetries();
        if (replay && !subscriptions.isEmpty()) {
            host.log("info", "replaying subscriptions on reconnect", Map.of());
            subscriptions.replayAll();
        }
    }

    /** No more requests go out (close() was called, or the socket closed); pending ones stay until {@link #drain}. */
    void detach() {
        live = null;
        subscriptions.cancelRetries();
        subscriptions.connectionLost();
    }

    /** Removes every pending request (the connection closed); the caller fails them. */
    List<PendingAcks.Ack> drain() {
        detach();
        return acks.drain();
    }

    void subscribe(String channel, SubscribeOptions opts, PendingAcks.Ack ack) {
        subscriptions.subscribe(channel, opts, ack);
    }

    void unsubscribe(String channel, PendingAcks.Ack ack) {
        subscriptions.unsubscribe(channel, ack);
    }

    /** Sends a request and registers its ack; fails {@code ack} with {@link NotConnectedException} when no connection is attached. */
    void sendWithAck(Function<String, ClientFrame> build, PendingAcks.Ack ack) {
        Connection conn = live;
        if (conn == null) {
            ack.done(new NotConnectedException(host.state()));
            return;
        }
        String rid = requestIds.get();
        String text = FrameCodec.encode(build.apply(rid));
        acks.add(rid, ack);
        if (!conn.socket.send(text)) {
            acks.remove(rid);
            ack.done(new SignallingException("transport_error", "websocket send failed"));
        }
    }

    /** Sends a frame that expects no answer (the keepalive ping). */
    void sendUnacked(ClientFrame frame) {
        Connection conn = live;
        if (conn != null) {
            conn.socket.send(FrameCodec.encode(frame));
        }
    }

    void handleFrame(Connection conn, Inbound in) {
        if (in.problem() != null) {
            host.log("warn", "malformed inbound frame", Map.of("reason", in.problem()));
            return;
        }
        if (in.reply() != null) {
            PendingAcks.Ack ack = acks.remove(in.reply().requestId());
            if (ack != null) {
                ack.acked(in.reply());
            }
            return;
        }
        if (in.event() != null) {
            if (in.event() instanceof ClientEvent.Message m && m.position() != null
                    && subscriptions.recovering(m.channel())) {
                onPositioned(m);
                return;
            }
            host.emit(in.event());
            return;
        }
        ServerFrame frame = in.frame();
        switch (frame.kind()) {
            case ERROR -> onError((ServerFrame.Error) frame);
            case RESUBSCRIBE -> {
                String channel = ((ServerFrame.Resubscribe) frame).channel();
                host.log("info", "server asked to recover a channel", Map.of("channel", channel));
                subscriptions.recover(channel);
            }
            case WELCOME -> host.welcome(conn, (ServerFrame.Welcome) frame, in.welcomeMetadata());
            default -> {
                // pong: keepalive reply; its arrival already reset the watchdog
            }
        }
    }

    /** A message of a channel this client recovers: delivered once and in order, or the gap recovered. */
    private void onPositioned(ClientEvent.Message m) {
        switch (subscriptions.positions().accept(m)) {
            case DELIVER -> host.emit(m);
            case DROP -> {
                // a duplicate, our own publish in a replay, or a message the pending replay brings again
            }
            case GAP -> {
                host.log("info", "gap in a recovered channel; recovering", Map.of("channel", m.channel(),
                        "offset", m.position().offset()));
                subscriptions.recover(m.channel());
            }
        }
    }

    /**
     * A correlated {@code error} fails its request and fires no event; only an uncorrelated one
     * becomes {@link ClientEvent.ServerError} (JS 1.2.0 {@code handleFrame}; seed 000 reads as if
     * correlated ones fired it too, the code does not).
     */
    private void onError(ServerFrame.Error e) {
        if (e.requestId() != null) {
            PendingAcks.Ack ack = acks.remove(e.requestId());
            if (ack != null) {
                ack.done(new ServerRequestException(e.code(), e.message(), e.requestId()));
                return;
            }
        }
        // An old server answering our ping (which has no requestId) with unknown_type.
        if (e.requestId() == null && e.code().equals(ErrorCode.UNKNOWN_TYPE.wireName())) {
            host.log("debug", "ignoring unknown_type error (server lacks app-level ping support)", Map.of());
            return;
        }
        host.emit(new ClientEvent.ServerError(e.code(), e.message(), e.requestId()));
    }
}

package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.NotConnectedException;
import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.SubscribeOptions;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.ServerDecodeResult;
import ca.metered.realtime.protocol.frame.ServerFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What flows over a live connection: inbound frame dispatch, ack correlation with its 15 s
 * timeout, the tracked subscriptions and their replay after a reconnect (3 retries, 2 s apart,
 * per channel per connection; sdk.md 7.3). Loop-confined.
 */
final class ClientSession {
    static final long ACK_TIMEOUT_MS = 15_000;
    static final int DEFAULT_MAX_MESSAGE_SIZE = 65_536;
    static final int REPLAY_MAX_RETRIES = 3;
    static final long REPLAY_RETRY_DELAY_MS = 2_000;

    /** Outcome of one acked request, delivered on the loop; {@code err == null} means acked. */
    @FunctionalInterface
    interface Ack {
        void done(RealtimeException err);
    }

    private record Pending(Ack ack, LoopTimers.Timer timer) {
    }

    private final DefaultSignallingClient c;
    private final Map<String, Pending> pending = new HashMap<>();
    /** Tracked from the subscribe call (not the ack): subscribe is idempotent, a drop mid-flight must not lose it. */
    private final Map<String, SubscribeOptions> subscriptions = new LinkedHashMap<>();
    private final Map<String, Integer> replayRetries = new HashMap<>();
    private final Set<LoopTimers.Timer> replayTimers = new HashSet<>();
    private Integer maxMessageSize;

    ClientSession(DefaultSignallingClient client) {
        this.c = client;
    }

    int maxMessageSize() {
        return maxMessageSize != null ? maxMessageSize : DEFAULT_MAX_MESSAGE_SIZE;
    }

    /** Test hook: the channels replayed after a reconnect. */
    Map<String, SubscribeOptions> subscriptions() {
        return Map.copyOf(subscriptions);
    }

    void welcomed(int maxMessageSize, boolean isReconnect) {
        this.maxMessageSize = maxMessageSize;
        replayRetries.clear(); // a fresh connection gets a fresh replay budget
        if (isReconnect && c.options.autoResubscribe() && !subscriptions.isEmpty()) {
            c.log("info", "replaying subscriptions on reconnect", Map.of("count", subscriptions.size()));
            for (String channel : new ArrayList<>(subscriptions.keySet())) {
                replay(channel);
            }
        }
    }

    void subscribe(String channel, SubscribeOptions opts, CompletableFuture<Void> f) {
        boolean wasTracked = subscriptions.containsKey(channel);
        subscriptions.put(channel, opts);
        boolean sent = sendWithAck(rid -> new ClientFrame.Subscribe(channel, rid, opts.includeSenderMetadata()),
                c.userAck(f));
        // Never left the client: do not replay a subscribe the caller was told failed,
        // unless an earlier subscribe of the channel is still live.
        if (!sent && !wasTracked) {
            subscriptions.remove(channel);
        }
    }

    void unsubscribe(String channel, CompletableFuture<Void> f) {
        subscriptions.remove(channel); // before sending: a drop before the ack must not resurrect it
        sendWithAck(rid -> new ClientFrame.Unsubscribe(channel, rid), c.userAck(f));
    }

    /** Sends a request and registers its ack; false (and {@code ack} failed) when not connected. */
    boolean sendWithAck(Function<String, ClientFrame> build, Ack ack) {
        Connection conn = c.current;
        if (c.state != ClientState.CONNECTED || conn == null) {
            ack.done(new NotConnectedException(c.state));
            return false;
        }
        String rid = c.runtime.requestIds().get();
        String text = FrameCodec.encode(build.apply(rid));
        LoopTimers.Timer timer = c.timers.schedule(ACK_TIMEOUT_MS, () -> {
            Pending p = pending.remove(rid);
            if (p != null) {
                p.ack().done(c.ackTimeout(rid));
            }
        });
        pending.put(rid, new Pending(ack, timer));
        if (!conn.socket.send(text)) {
            timer.cancel();
            pending.remove(rid);
            ack.done(new RealtimeException("transport_error", "websocket send failed"));
        }
        return true;
    }

    /** Removes every pending request (the connection closed); the caller fails them. */
    List<Ack> drainPending() {
        List<Ack> out = new ArrayList<>(pending.size());
        for (Pending p : pending.values()) {
            p.timer().cancel();
            out.add(p.ack());
        }
        pending.clear();
        return out;
    }

    void clearReplayTimers() {
        replayTimers.forEach(LoopTimers.Timer::cancel);
        replayTimers.clear();
    }

    private void replay(String channel) {
        SubscribeOptions opts = subscriptions.get(channel);
        if (opts == null) {
            return; // unsubscribed meanwhile
        }
        sendWithAck(rid -> new ClientFrame.Subscribe(channel, rid, opts.includeSenderMetadata()), err -> {
            // A failure from the connection dying must not retry: the next welcome replays everything.
            if (err == null || c.state != ClientState.CONNECTED) {
                return;
            }
            int used = replayRetries.getOrDefault(channel, 0);
            if (used >= REPLAY_MAX_RETRIES) {
                c.log("warn", "subscription replay failed; retries exhausted",
                        Map.of("channel", channel, "err", err.getMessage(), "attempts", used + 1));
                return;
            }
            replayRetries.put(channel, used + 1);
            c.log("warn", "subscription replay failed; scheduling retry",
                    Map.of("channel", channel, "err", err.getMessage(), "retry", used + 1));
            LoopTimers.Timer[] self = new LoopTimers.Timer[1];
            self[0] = c.timers.schedule(REPLAY_RETRY_DELAY_MS, () -> {
                replayTimers.remove(self[0]);
                if (c.state == ClientState.CONNECTED) {
                    replay(channel);
                }
            });
            replayTimers.add(self[0]);
        });
    }

    void handleFrame(Connection conn, String text) {
        ServerDecodeResult decoded = FrameCodec.decodeServer(text);
        if (decoded instanceof ServerDecodeResult.Malformed m) {
            c.log("warn", "malformed inbound frame", Map.of("reason", m.reason()));
            return;
        }
        ServerFrame frame = ((ServerDecodeResult.Ok) decoded).frame();
        switch (frame.kind()) {
            case WELCOME -> c.connectorWelcome(conn, (ServerFrame.Welcome) frame);
            case ACK -> {
                Pending p = pending.remove(((ServerFrame.Ack) frame).requestId());
                if (p != null) {
                    p.timer().cancel();
                    p.ack().done(null);
                }
            }
            case ERROR -> onError((ServerFrame.Error) frame);
            case MESSAGE -> {
                ServerFrame.Message m = (ServerFrame.Message) frame;
                c.emit(new ClientEvent.Message(m.channel(), m.from(), Json.tree(m.data()), Json.tree(m.fromMetadata())));
            }
            case DIRECT -> {
                ServerFrame.Direct d = (ServerFrame.Direct) frame;
                c.emit(new ClientEvent.Direct(d.from(), Json.tree(d.data()), Json.tree(d.fromMetadata())));
            }
            case PRESENCE -> {
                ServerFrame.Presence p = (ServerFrame.Presence) frame;
                c.emit(new ClientEvent.Presence(p.channel(), peers(p.joined()), peers(p.left())));
            }
            case GOING_AWAY -> c.emit(new ClientEvent.GoingAway(((ServerFrame.GoingAway) frame).retryAfterMs()));
            case PONG -> {
                // keepalive reply; the timers were re-armed when the frame arrived
            }
        }
    }

    private void onError(ServerFrame.Error e) {
        if (e.requestId() != null) {
            Pending p = pending.remove(e.requestId());
            if (p != null) {
                p.timer().cancel();
                p.ack().done(c.serverError(e.code(), e.message(), e.requestId()));
                return;
            }
        }
        // An old server answering our ping (which has no requestId) with unknown_type.
        if (e.requestId() == null && e.code().equals("unknown_type")) {
            c.log("debug", "ignoring unknown_type error (server lacks app-level ping support)", Map.of());
            return;
        }
        c.emit(new ClientEvent.ServerError(e.code(), e.message(), e.requestId()));
    }

    private static List<ClientEvent.PresencePeer> peers(List<ServerFrame.PresenceEntry> entries) {
        List<ClientEvent.PresencePeer> out = new ArrayList<>(entries.size());
        for (ServerFrame.PresenceEntry e : entries) {
            out.add(new ClientEvent.PresencePeer(e.peerId(), Json.tree(e.metadata())));
        }
        return out;
    }
}

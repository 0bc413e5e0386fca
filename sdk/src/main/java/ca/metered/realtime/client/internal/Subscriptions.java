package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.NotConnectedException;
import ca.metered.realtime.client.SignallingException;
import ca.metered.realtime.client.SubscribeOptions;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The channels a client re-subscribes after a reconnect, with their options, and the replay itself:
 * a rejected replay is retried 3 times, 2 s apart, per channel per connection (docs/sdk-behaviour.md 7.3). With
 * recovery on, every subscribe of an exact channel names the last position seen
 * ({@link ChannelPositions}) and its ack becomes a {@link ClientEvent.Recovery}. Loop-confined.
 */
final class Subscriptions {
    static final int REPLAY_MAX_RETRIES = 3;
    static final long REPLAY_RETRY_DELAY_MS = 2_000;

    /** Sends a request; the ack (or failure) goes to the given callback. */
    interface Requests {
        void send(Function<String, ClientFrame> frame, PendingAcks.Ack ack);
    }

    private final LoopTimers timers;
    private final Requests requests;
    private final BooleanSupplier connected;
    private final BiConsumer<String, Map<String, Object>> warn;
    private final Consumer<ClientEvent> emit;
    private final BiConsumer<String, Map<String, Object>> info;
    private final boolean recovery;
    private final ChannelPositions positions = new ChannelPositions();
    /** Tracked from the subscribe call (not the ack): subscribe is idempotent, a drop mid-flight must not lose it. */
    private final Map<String, SubscribeOptions> tracked = new LinkedHashMap<>();
    private final Map<String, Integer> retries = new HashMap<>();
    private final Set<LoopTimers.Timer> retryTimers = new HashSet<>();

    Subscriptions(LoopTimers timers, Requests requests, BooleanSupplier connected,
                  BiConsumer<String, Map<String, Object>> warn, BiConsumer<String, Map<String, Object>> info,
                  Consumer<ClientEvent> emit, boolean recovery) {
        this.info = info;
        this.timers = timers;
        this.requests = requests;
        this.connected = connected;
        this.warn = warn;
        this.emit = emit;
        this.recovery = recovery;
    }

    ChannelPositions positions() {
        return positions;
    }

    /** Whether messages of {@code channel} are positioned by this client: tracked, exact, recovery on. */
    boolean recovering(String channel) {
        return recovery && ChannelPositions.recoverable(channel) && tracked.containsKey(channel);
    }

    /**
     * The subscribe frame for {@code channel}; with recovery, it names the last position and the
     * channel's live messages are dropped until {@code ack} is answered (they come again in the replay).
     */
    private void send(String channel, SubscribeOptions opts, PendingAcks.Ack ack) {
        if (!recovery || !ChannelPositions.recoverable(channel)) {
            requests.send(rid -> new ClientFrame.Subscribe(channel, rid, opts.includeSenderMetadata()), ack);
            return;
        }
        StreamPosition asked = positions.recoverFrom(channel);
        positions.subscribing(channel);
        requests.send(rid -> new ClientFrame.Subscribe(channel, rid, opts.includeSenderMetadata(), asked),
                new PendingAcks.Ack() {
                    @Override
                    public void done(SignallingException err) {
                        positions.notAwaiting(channel);
                        ack.done(err);
                    }

                    @Override
                    public void acked(Reply reply) {
                        ClientEvent.Recovery outcome = positions.acked(channel, asked, reply);
                        info.accept("recovering subscribe answered", Map.of("channel", channel, "from", asked,
                                "recovered", String.valueOf(reply.recovered()), "position", String.valueOf(reply.position())));
                        if (outcome != null) {
                            emit.accept(outcome);
                        }
                        ack.done(null);
                        if (positions.takeNewEpoch(channel)) {
                            recover(channel);
                        }
                    }
                });
    }

    /**
     * The server hinted that its node may have missed messages of {@code channel}
     * ({@code resubscribe}), or the client saw a gap: subscribe again from the last position.
     */
    void recover(String channel) {
        if (recovering(channel) && connected.getAsBoolean() && !positions.isAwaiting(channel)) {
            replay(channel);
        }
    }

    /** The connection is gone: nothing is awaited on it any more. */
    void connectionLost() {
        positions.clearAwaiting();
    }

    Map<String, SubscribeOptions> snapshot() {
        return Map.copyOf(tracked);
    }

    boolean isEmpty() {
        return tracked.isEmpty();
    }

    /** A user subscribe: tracked at once; forgotten again if the frame never left the client. */
    void subscribe(String channel, SubscribeOptions opts, PendingAcks.Ack ack) {
        boolean wasTracked = tracked.containsKey(channel);
        tracked.put(channel, opts);
        send(channel, opts, err -> {
                    // Never left the client: do not replay a subscribe the caller was told failed,
                    // unless an earlier subscribe of the channel is still live (JS 1.1.0).
                    if (err instanceof NotConnectedException && !wasTracked) {
                        tracked.remove(channel);
                    }
                    ack.done(err);
                });
    }

    /** A user unsubscribe: untracked before sending, so a drop before the ack cannot resurrect it. */
    void unsubscribe(String channel, PendingAcks.Ack ack) {
        tracked.remove(channel);
        positions.forget(channel);
        requests.send(rid -> new ClientFrame.Unsubscribe(channel, rid), ack);
    }

    /** After a reconnect welcome: replays every tracked channel with a fresh retry budget. */
    void replayAll() {
        retries.clear();
        for (String channel : new ArrayList<>(tracked.keySet())) {
            replay(channel);
        }
    }

    /** A fresh connection: the per-connection retry budget starts over. */
    void resetRetries() {
        retries.clear();
    }

    void cancelRetries() {
        retryTimers.forEach(LoopTimers.Timer::cancel);
        retryTimers.clear();
    }

    private void replay(String channel) {
        SubscribeOptions opts = tracked.get(channel);
        if (opts == null) {
            return; // unsubscribed meanwhile
        }
        send(channel, opts, err -> {
                    // A failure from the connection dying must not retry: the next welcome replays everything.
                    if (err == null || !connected.getAsBoolean()) {
                        return;
                    }
                    int used = retries.getOrDefault(channel, 0);
                    // A recovering channel is not given up on a failure a retry can fix (Redis
                    // reconnecting, a lost ack): unsubscribed in silence, it would lose messages
                    // without a recovered:false.
                    boolean keepTrying = recovering(channel) && PublishRetries.retryable(err);
                    if (used >= REPLAY_MAX_RETRIES && !keepTrying) {
                        warn.accept("subscription replay failed; retries exhausted",
                                Map.of("channel", channel, "err", String.valueOf(err.getMessage()), "attempts", used + 1));
                        return;
                    }
                    retries.put(channel, used + 1);
                    warn.accept("subscription replay failed; scheduling retry",
                            Map.of("channel", channel, "err", String.valueOf(err.getMessage()), "retry", used + 1));
                    LoopTimers.Timer[] self = new LoopTimers.Timer[1];
                    self[0] = timers.schedule(REPLAY_RETRY_DELAY_MS, () -> {
                        retryTimers.remove(self[0]);
                        if (connected.getAsBoolean()) {
                            replay(channel);
                        }
                    });
                    retryTimers.add(self[0]);
                });
    }
}

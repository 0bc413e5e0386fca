package ca.metered.realtime.peer;

import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.peer.internal.DefaultMeteredPeer;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One signalling connection + one channel + one peer connection per remote peer (a WebRTC mesh);
 * the Java port of the JS SDK's {@code MeteredPeer} (1.2.0). Negotiation (perfect negotiation),
 * ICE restarts and the reconcile after a signalling reconnect are automatic.
 *
 * <pre>{@code
 * MeteredPeer peer = MeteredPeer.create(options);
 * peer.on(PeerEvent.PeerJoined.class, e -> e.peer().on(RemotePeerEvent.Track.class, t -> render(t)));
 * peer.addStream(camera, Map.of("role", "camera"));
 * peer.join("room-42").join();
 * }</pre>
 *
 * <p><b>Threading.</b> Thread-safe. State lives on one internal serial loop. Listeners and future
 * completions run on the callback executor of the signalling options, one at a time, in order,
 * never under a lock. The media methods ({@code addTrack}, ...) validate and update the tracked
 * set synchronously (so their exceptions are thrown at the call) and apply the change to peer
 * connections asynchronously, in call order.
 *
 * <p><b>Errors.</b> The same rule as {@code SignallingClient}'s, and the JS SDK's (async methods
 * reject, sync methods throw): a method returning a {@link CompletableFuture} ({@code join},
 * {@code close}, {@code send}, {@code sendTo}, {@code replaceTrack}) never throws, every failure
 * (wrong state, bad argument, server refusal) completes the future exceptionally; the void media
 * methods ({@code addTrack}, {@code addStream}, {@code removeTrack}, {@code removeStream}) throw at
 * the call. Every failure is a {@link ca.metered.realtime.client.RealtimeException}, except
 * {@code NullPointerException} for a {@code null} track or stream given to a void media method.
 *
 * <p><b>Metadata</b> arguments are JSON objects: a Jackson {@code ObjectNode}, a {@code Map} or a
 * POJO Jackson serialises to an object; {@code null} means none.
 */
public interface MeteredPeer extends AutoCloseable {

    static MeteredPeer create(MeteredPeerOptions options) {
        return DefaultMeteredPeer.create(options);
    }

    PeerState state();

    /** Own peerId from the last welcome, or {@code null} before it. */
    String peerId();

    /** The joined channel, or {@code null} before the subscribe ack and after close. */
    String channel();

    /** Snapshot of the current remote peers. */
    List<RemotePeer> remotePeers();

    /** {@code join(channel, JoinOptions.DEFAULT)}. */
    default CompletableFuture<Void> join(String channel) {
        return join(channel, JoinOptions.DEFAULT);
    }

    /**
     * Connects if needed and subscribes; completes on the subscribe ack. Remote peers arrive
     * afterwards as {@link PeerEvent.PeerJoined}. Only in {@code IDLE}, else fails with
     * {@link MeteredPeerStateException}; a reserved channel fails with
     * {@link MeteredPeerSendException} {@code reserved_channel}, an invalid one with
     * {@link ca.metered.realtime.client.InvalidArgumentException}; connect and subscribe failures
     * pass through (the state returns to {@code IDLE} and join may be retried).
     */
    CompletableFuture<Void> join(String channel, JoinOptions options);

    /**
     * Closes every remote peer, then the connection; terminal and idempotent. From {@code JOINED}
     * or {@code RECONNECTING} it fires {@link PeerEvent.Left} on reaching {@code CLOSED}; from
     * {@code IDLE} it goes straight to {@code CLOSED} without {@code Left}, as JS 1.2.0 does.
     * Every {@link EventStream} open at the call ends afterwards ({@code take()} returns what is
     * queued, then {@code null}).
     */
    CompletableFuture<Void> close(String reason);

    /** {@code close(null)} and waits (at most about 1 s). */
    @Override
    void close();

    /**
     * {@link #close()}, then ends every event stream and removes every listener (after the final
     * events reached them), so nothing the application registered stays referenced. Idempotent.
     */
    void dispose();

    /**
     * Broadcasts to the channel (server-routed). Fails with {@link MeteredPeerSendException}
     * ({@code not_joined}, {@code invalid_args}), {@link MeteredPeerOversizedException}, or what
     * the client's {@code publish} fails with.
     */
    CompletableFuture<Void> send(Object data);

    /**
     * Sends to one peer (server-routed). Fails with {@link MeteredPeerSendException}
     * ({@code not_joined}; {@code invalid_args} for a peerId that is not 1–128 printable ASCII
     * characters or {@code null} data; {@code self_send}), {@link MeteredPeerOversizedException},
     * or what the client's {@code send} fails with (e.g. {@code peer_not_found}).
     */
    CompletableFuture<Void> sendTo(String peerId, Object data);

    /** {@code addTrack(t, stream, metadata)} for every track of {@code stream}. */
    void addStream(MediaStream stream, Object metadata);

    /**
     * Tracks {@code track} (with {@code stream}, may be {@code null}, and {@code metadata}, may be
     * {@code null}) and attaches it to every current and future peer. Idempotent for the same
     * track id and stream.
     *
     * @throws MeteredPeerStateException     {@code invalid_state} in {@code LEAVING}/{@code CLOSED};
     *                                       {@code track_already_attached} with another stream
     * @throws MeteredPeerOversizedException if the metadata message would exceed the server cap
     */
    void addTrack(MediaTrack track, MediaStream stream, Object metadata);

    /** Removes every track of {@code stream}; does not stop them. */
    void removeStream(MediaStream stream);

    /** Detaches {@code track} from every peer and stops tracking it; no-op if not tracked. */
    void removeTrack(MediaTrack track);

    /**
     * Swaps {@code oldTrack} for {@code newTrack} (or {@code null}: stop sending, and later joiners
     * do not get it) on every peer, without renegotiation. Fails with
     * {@link MeteredPeerReplaceTrackException} listing both the succeeded and failed peers if any
     * peer failed; with {@link MeteredPeerStateException} ({@code invalid_state}) in
     * {@code RECONNECTING}, {@code LEAVING} and {@code CLOSED}; with
     * {@link ca.metered.realtime.client.InvalidArgumentException} for a {@code null} {@code oldTrack}.
     */
    CompletableFuture<Void> replaceTrack(MediaTrack oldTrack, MediaTrack newTrack);

    /** The metadata given for the first tracked track of {@code stream}. */
    Optional<ObjectNode> getStreamMetadata(MediaStream stream);

    Optional<ObjectNode> getTrackMetadata(MediaTrack track);

    /** Registers {@code listener} for events of {@code type} ({@code PeerEvent.class}: all). */
    <E extends PeerEvent> Registration on(Class<E> type, Consumer<? super E> listener);

    <E extends PeerEvent> Registration once(Class<E> type, Consumer<? super E> listener);

    /**
     * A stream of the events of {@code type} for loop-style consumers (agents, workers): bounded at
     * 4096 events, dropping the oldest when full; close it when done. Thread-safe.
     */
    default <E extends PeerEvent> EventStream<E> events(Class<E> type) {
        return events(type, 4096);
    }

    /** A stream with its own capacity (≥ 1). */
    <E extends PeerEvent> EventStream<E> events(Class<E> type, int capacity);
}

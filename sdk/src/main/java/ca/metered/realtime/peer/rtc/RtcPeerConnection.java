package ca.metered.realtime.peer.rtc;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One {@code RTCPeerConnection}, as {@code MeteredPeer} drives it for perfect negotiation. The
 * SDK exposes it to applications as {@code RemotePeer.peerConnection()} (the escape hatch);
 * applications should use {@link #createDataChannel} and the getters only and leave negotiation
 * to the SDK.
 *
 * <p>Thread-safe. See the {@linkplain ca.metered.realtime.peer.rtc package} for the full threading
 * contract; in short: the SDK never has two negotiation operations ({@link #createOffer},
 * {@link #createAnswer}, {@link #setLocalDescription}, {@link #setRemoteDescription},
 * {@link #addIceCandidate}) outstanding at once on one connection, so the binding need not queue
 * them; stages complete on any thread.
 */
public interface RtcPeerConnection {

    /** Creates an offer; does not apply it. */
    CompletionStage<SessionDescription> createOffer(OfferOptions options);

    /** Creates an answer to the applied remote offer; does not apply it. */
    CompletionStage<SessionDescription> createAnswer();

    /**
     * Applies a local description: an offer or answer from {@link #createOffer} /
     * {@link #createAnswer}, or {@link SessionDescription#rollback()} in
     * {@code HAVE_LOCAL_OFFER} (the polite side of a glare). Completes after the signalling
     * state changed.
     */
    CompletionStage<Void> setLocalDescription(SessionDescription description);

    /**
     * Applies a remote offer or answer. The SDK only calls this with an offer in {@code STABLE}
     * (having rolled back first if needed) and with an answer in {@code HAVE_LOCAL_OFFER}; a
     * binding need not implement implicit rollback.
     */
    CompletionStage<Void> setRemoteDescription(SessionDescription description);

    /**
     * Adds a remote candidate; {@code null} signals the end of candidates (a binding whose stack
     * has no end-of-candidates call completes at once). Called only after a remote description has
     * been applied or while one is being applied by an earlier, still-serialised operation;
     * completes exceptionally if the stack rejects the candidate.
     */
    CompletionStage<Void> addIceCandidate(IceCandidate candidate);

    /** The current local description, or {@code null}; webrtc-java: {@code getLocalDescription()}. */
    SessionDescription localDescription();

    /** The current remote description, or {@code null}. */
    SessionDescription remoteDescription();

    SignalingState signalingState();

    IceConnectionState iceConnectionState();

    PeerConnectionState connectionState();

    /**
     * Starts sending {@code track}, labelled with {@code streamIds} (zero or one id from the SDK)
     * ({@code addTrack(track, streamIds)}); the stack then fires
     * {@link RtcPeerConnectionObserver#onNegotiationNeeded()}.
     *
     * @throws RuntimeException if the stack refuses (track already added, connection closed)
     */
    RtpSender addTrack(MediaTrack track, List<String> streamIds);

    /**
     * Stops sending through {@code sender} ({@code removeTrack(sender)}); the stack then fires
     * {@code onNegotiationNeeded}. The track itself is not stopped or disposed.
     *
     * @throws RuntimeException if the stack refuses
     */
    void removeTrack(RtpSender sender);

    /** The senders created by {@link #addTrack}, including ones whose track was removed or replaced. */
    List<RtpSender> senders();

    /**
     * Creates a data channel; the first one on a connection fires {@code onNegotiationNeeded}.
     *
     * @throws RuntimeException if the stack refuses (closed connection, bad init)
     */
    RtcDataChannel createDataChannel(String label, DataChannelInit init);

    /**
     * {@code restartIce()}: marks the connection so the next offer restarts ICE. Part of the port
     * for completeness; the SDK's ladder uses {@code createOffer(OfferOptions.ICE_RESTART)}.
     */
    void restartIce();

    /**
     * Closes the connection and its transceivers and data channels; idempotent; does not dispose
     * local tracks. After this returns, observer callbacks are ignored by the SDK.
     */
    void close();

    /** The native object behind this handle (webrtc-java: {@code dev.onvoid.webrtc.RTCPeerConnection}). */
    default <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }
}

package ca.metered.realtime.peer.rtc;

import java.util.List;

/**
 * Events of one {@link RtcPeerConnection} (webrtc-java: {@code PeerConnectionObserver}), supplied by
 * the SDK to {@link RtcPeerConnectionFactory#create}. The binding calls these on any thread, one
 * at a time per connection, in native order, possibly before the stage of the operation that
 * caused them has completed. The SDK's implementations never block and never throw.
 */
public interface RtcPeerConnectionObserver {

    /** A local candidate was gathered; {@code null} when gathering finished (end of candidates). */
    void onIceCandidate(IceCandidate candidate);

    /** {@code negotiationneeded}: the SDK creates and sends an offer. */
    void onNegotiationNeeded();

    void onSignalingChange(SignalingState state);

    /** Drives the ICE-restart ladder ({@code FAILED} starts it). */
    void onIceConnectionChange(IceConnectionState state);

    /** Drives the remote peer's state ({@code CONNECTED} also resets the ladder). */
    void onConnectionChange(PeerConnectionState state);

    /**
     * A remote track arrived ({@code track} event; webrtc-java: {@code onTrack(RTCRtpTransceiver)}
     * with the receiver's track and streams, or {@code onAddTrack(receiver, streams)} - report each
     * remote track once).
     *
     * @param streams the streams the sender labelled the track with; empty for an unaffiliated track
     */
    void onTrack(MediaTrack track, List<MediaStream> streams);

    /**
     * A remote track stopped: the sender removed it (webrtc-java: {@code onRemoveTrack(receiver)},
     * JS {@code removetrack} on its streams) or it ended. Drives {@code stream-removed}.
     */
    void onRemoveTrack(MediaTrack track);

    /** The remote side opened a data channel. */
    void onDataChannel(RtcDataChannel channel);

    /**
     * A STUN or TURN server of the configuration yielded no candidate (W3C
     * {@code icecandidateerror}; webrtc-java: {@code onIceCandidateError}): for example
     * {@code 401} when a TURN server refused the credentials, {@code 701} when it could not be
     * reached. The SDK logs it as a warning; bindings without the event never call it.
     *
     * @param url the server's URL as configured
     * @param errorCode the STUN error code, or 700-799 for a local failure
     * @param errorText the server's reason phrase or the stack's description
     */
    default void onIceServerError(String url, int errorCode, String errorText) {
    }
}

package ca.metered.realtime.peer.rtc;

import java.util.concurrent.CompletionStage;

/**
 * {@code RTCRtpSender}: what {@link RtcPeerConnection#addTrack} returns. Thread-safe.
 */
public interface RtpSender {

    /** The track currently sent, or {@code null} after {@code replaceTrack(null)} or {@code removeTrack}. */
    MediaTrack track();

    /**
     * Swaps the sent track without renegotiation ({@code RTCRtpSender.replaceTrack});
     * {@code null} stops sending. Completes exceptionally if the native stack refuses (kind
     * mismatch, closed connection). webrtc-java's call is synchronous: return a completed stage.
     */
    CompletionStage<Void> replaceTrack(MediaTrack track);
}

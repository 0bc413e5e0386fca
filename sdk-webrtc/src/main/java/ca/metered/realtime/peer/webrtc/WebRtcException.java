package ca.metered.realtime.peer.webrtc;

/** A failure reported by libwebrtc (its error text), or an operation on a closed connection. */
public final class WebRtcException extends RuntimeException {
    public WebRtcException(String message) {
        super(message);
    }
}

package ca.metered.realtime.peer;

import ca.metered.realtime.client.RealtimeException;

/**
 * JS {@code MeteredPeerStateError}, thrown synchronously. Codes: {@code invalid_state} (the method
 * is not allowed in {@link #currentState()}) and {@code track_already_attached} ({@code addTrack}
 * of a track already tracked with a different stream).
 */
public class MeteredPeerStateException extends RealtimeException {
    private final String method;
    private final PeerState currentState;

    public MeteredPeerStateException(String code, String method, String message, PeerState currentState) {
        super(code, message);
        this.method = method;
        this.currentState = currentState;
    }

    /** The method that refused: {@code "join"}, {@code "addTrack"}, {@code "replaceTrack"}, ... */
    public String method() {
        return method;
    }

    /** The state at the call, or {@code null} for {@code track_already_attached}. */
    public PeerState currentState() {
        return currentState;
    }
}

package ca.metered.realtime.peer.rtc;

import java.util.Objects;

/**
 * {@code RTCIceCandidateInit}, exactly the four keys the JS SDK puts on the wire. The end of
 * candidates is represented by a {@code null} {@code IceCandidate}, never by an instance.
 *
 * @param candidate        the {@code candidate:...} line (may be empty for end-of-generation)
 * @param sdpMid           or {@code null}
 * @param sdpMLineIndex    or {@code null}
 * @param usernameFragment or {@code null}
 */
public record IceCandidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {
    public IceCandidate {
        Objects.requireNonNull(candidate, "candidate");
    }
}

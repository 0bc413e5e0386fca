package ca.metered.realtime.peer.rtc;

import java.util.Objects;

/**
 * {@code RTCSessionDescriptionInit}. For {@link SdpType#ROLLBACK} the {@code sdp} is empty.
 * {@link #toString()} omits the SDP, which carries ICE credentials.
 */
public record SessionDescription(SdpType type, String sdp) {
    public SessionDescription {
        Objects.requireNonNull(type, "type");
        sdp = sdp == null ? "" : sdp;
    }

    /** The description a polite peer applies locally to abandon its own offer. */
    public static SessionDescription rollback() {
        return new SessionDescription(SdpType.ROLLBACK, "");
    }

    @Override
    public String toString() {
        return "SessionDescription[" + type.wireName() + ", " + sdp.length() + " chars]";
    }
}

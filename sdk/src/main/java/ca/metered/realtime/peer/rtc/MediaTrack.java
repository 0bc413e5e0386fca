package ca.metered.realtime.peer.rtc;

import java.util.Optional;

/**
 * A media track handle ({@code MediaStreamTrack}): local tracks the application creates through
 * its binding (camera, microphone, generated frames) and remote tracks the binding reports in
 * {@link RtcPeerConnectionObserver#onTrack}. The SDK never reads or writes media; it only
 * attaches tracks to connections and keys metadata by {@link #id()}.
 *
 * <p>Implementations must be thread-safe. Two handles with the same {@link #id()} denote the same
 * track.
 */
public interface MediaTrack {

    /** {@code MediaStreamTrack.kind}. */
    enum Kind {
        AUDIO, VIDEO;

        public String wireName() {
            return this == AUDIO ? "audio" : "video";
        }
    }

    /** The track id; unique and stable; equals the track id in the SDP's {@code msid}. */
    String id();

    Kind kind();

    /** {@code MediaStreamTrack.enabled}: a disabled track sends silence / black frames. */
    boolean enabled();

    /** Sets {@code enabled}; no renegotiation. */
    void setEnabled(boolean enabled);

    /** {@code readyState === "ended"}: the source stopped or the track was disposed. */
    boolean ended();

    /**
     * The native object behind this handle (for webrtc-java: {@code dev.onvoid.webrtc.media.MediaStreamTrack}
     * and subclasses), for rendering and capture control; empty if it is not of {@code type}.
     */
    default <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }
}

package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.peer.rtc.MediaTrack;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.MediaStreamTrackState;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link MediaTrack} over a webrtc-java {@link MediaStreamTrack}: local tracks made with
 * {@link WebRtcJavaBinding#videoTrack}/{@link WebRtcJavaBinding#audioTrack} (or wrapped with
 * {@link WebRtcJavaBinding#track}) and remote tracks from {@code onTrack}. Id and kind are read
 * once; the rest goes to the native track. Once the native track is disposed the handle reports
 * {@code ended()}. Thread-safe; equal when the ids are equal.
 */
final class WebRtcMediaTrack implements MediaTrack {
    private final MediaStreamTrack track;
    private final String id;
    private final Kind kind;

    WebRtcMediaTrack(MediaStreamTrack track) {
        this.track = Objects.requireNonNull(track, "track");
        this.id = track.getId();
        this.kind = MediaStreamTrack.AUDIO_TRACK_KIND.equals(track.getKind()) ? Kind.AUDIO : Kind.VIDEO;
    }

    /** The native track behind {@code track}, which must come from this binding. */
    static MediaStreamTrack nativeOf(MediaTrack track) {
        return track.unwrap(MediaStreamTrack.class).orElseThrow(() -> new IllegalArgumentException(
                "not a webrtc-java track (make it with WebRtcJavaBinding.videoTrack/audioTrack/track): " + track));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public boolean enabled() {
        try {
            return track.isEnabled();
        } catch (RuntimeException disposed) {
            return false;
        }
    }

    @Override
    public void setEnabled(boolean enabled) {
        track.setEnabled(enabled);
    }

    @Override
    public boolean ended() {
        try {
            return track.getState() == MediaStreamTrackState.ENDED;
        } catch (RuntimeException disposed) {
            return true;
        }
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(track)) {
            return Optional.of(type.cast(track));
        }
        return MediaTrack.super.unwrap(type);
    }

    /** Frees the native track (for tracks the binding created and owns, e.g. a camera's). */
    void dispose() {
        try {
            track.dispose();
        } catch (RuntimeException alreadyGone) {
            // disposed before, or its factory is gone
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebRtcMediaTrack t && t.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "WebRtcMediaTrack[" + kind.wireName() + ", " + id + "]";
    }
}

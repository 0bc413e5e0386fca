package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A remote {@link MediaStream}: a webrtc-java {@link dev.onvoid.webrtc.media.MediaStream} as
 * reported with a remote track. {@link #tracks()} reads the native stream each time. Thread-safe;
 * equal when the ids are equal.
 */
final class WebRtcMediaStream implements MediaStream {
    private final dev.onvoid.webrtc.media.MediaStream stream;
    private final String id;

    WebRtcMediaStream(dev.onvoid.webrtc.media.MediaStream stream) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.id = stream.id();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<MediaTrack> tracks() {
        List<MediaTrack> tracks = new ArrayList<>();
        try {
            for (MediaStreamTrack t : stream.getAudioTracks()) {
                tracks.add(new WebRtcMediaTrack(t));
            }
            for (MediaStreamTrack t : stream.getVideoTracks()) {
                tracks.add(new WebRtcMediaTrack(t));
            }
        } catch (RuntimeException disposed) {
            return List.of();
        }
        return List.copyOf(tracks);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(stream)) {
            return Optional.of(type.cast(stream));
        }
        return MediaStream.super.unwrap(type);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebRtcMediaStream s && s.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "WebRtcMediaStream[" + id + "]";
    }
}

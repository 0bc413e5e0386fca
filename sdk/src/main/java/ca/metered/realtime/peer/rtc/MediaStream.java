package ca.metered.realtime.peer.rtc;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A media stream handle: an id grouping tracks ({@code MediaStream}). Locally it is only a label:
 * the stream id travels in the SDP ({@code msid}) so the receiver can group tracks; build one with
 * {@link #of(String, List)}. Remotely the binding reports the streams a track belongs to in
 * {@link RtcPeerConnectionObserver#onTrack}.
 *
 * <p>Implementations must be thread-safe. Two handles with the same {@link #id()} denote the same
 * stream.
 */
public interface MediaStream {

    /** The stream id ({@code msid} stream id). */
    String id();

    /** The tracks currently in the stream; a snapshot. */
    List<MediaTrack> tracks();

    /** The native object behind this handle, if any and of {@code type}. */
    default <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    /** A plain local stream: {@code id} and a fixed list of tracks. */
    static MediaStream of(String id, List<? extends MediaTrack> tracks) {
        Objects.requireNonNull(id, "id");
        List<MediaTrack> copy = List.copyOf(tracks);
        return new MediaStream() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<MediaTrack> tracks() {
                return copy;
            }

            @Override
            public String toString() {
                return "MediaStream[" + id + ", " + copy.size() + " tracks]";
            }
        };
    }
}

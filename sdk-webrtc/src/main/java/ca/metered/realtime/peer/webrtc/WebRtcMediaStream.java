package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A remote {@link MediaStream}: a stream id from the remote description and the remote tracks of
 * one connection labelled with it, kept by {@link WebRtcPeerConnection} as tracks come and go.
 *
 * <p>Why not webrtc-java's own {@code MediaStream}: the stream objects 0.14.0 passes to
 * {@code onAddTrack} have no usable id (it reads {@code null}), so the binding takes the ids from
 * the {@code a=msid} lines of the remote SDP, which is where they travel anyway. Thread-safe;
 * equal when the ids are equal.
 */
final class WebRtcMediaStream implements MediaStream {
    private final String id;
    private final Set<MediaTrack> tracks = ConcurrentHashMap.newKeySet();

    WebRtcMediaStream(String id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    void add(MediaTrack track) {
        tracks.add(track);
    }

    void remove(MediaTrack track) {
        tracks.remove(track);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<MediaTrack> tracks() {
        return List.copyOf(tracks);
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
        return "WebRtcMediaStream[" + id + ", " + tracks.size() + " tracks]";
    }
}

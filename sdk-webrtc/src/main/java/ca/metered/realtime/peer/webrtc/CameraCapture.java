package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.peer.rtc.MediaTrack;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.video.VideoCaptureCapability;
import dev.onvoid.webrtc.media.video.VideoDevice;
import dev.onvoid.webrtc.media.video.VideoDeviceSource;
import java.util.ArrayList;
import java.util.List;

/**
 * A camera capturing into a webrtc-java {@link VideoDeviceSource}, from
 * {@link WebRtcJavaBinding#openCamera(String, VideoCaptureCapability)}. Make tracks of it with
 * {@link #track(String)} and give them to {@code MeteredPeer.addTrack}/{@code addStream}.
 * {@link #close()} stops the capture and frees the source and the tracks made here; do it after the
 * peers using them are closed (or the tracks removed).
 *
 * <p>Thread-safe.
 */
public final class CameraCapture implements AutoCloseable {
    private final PeerConnectionFactory factory;
    private final VideoDevice device;
    private final VideoCaptureCapability capability;
    private final VideoDeviceSource source;
    private final List<WebRtcMediaTrack> tracks = new ArrayList<>();
    private boolean closed;

    CameraCapture(PeerConnectionFactory factory, VideoDevice device, VideoCaptureCapability capability,
                  VideoDeviceSource source) {
        this.factory = factory;
        this.device = device;
        this.capability = capability;
        this.source = source;
    }

    public VideoDevice device() {
        return device;
    }

    /** The capture format in use, or {@code null} for the camera's default. */
    public VideoCaptureCapability capability() {
        return capability;
    }

    /** A video track fed by this camera; several may share it. */
    public synchronized MediaTrack track(String id) {
        if (closed) {
            throw new IllegalStateException("camera capture is closed");
        }
        WebRtcMediaTrack t = new WebRtcMediaTrack(factory.createVideoTrack(id, source));
        tracks.add(t);
        return t;
    }

    /** Stops capturing and frees the source and its tracks; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            source.stop();
        } finally {
            for (WebRtcMediaTrack t : tracks) {
                t.dispose();
            }
            source.dispose();
        }
    }

    @Override
    public String toString() {
        return "CameraCapture[" + device.getName() + ", " + (capability == null ? "default" : capability) + "]";
    }
}

package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.client.RealtimeException;

/**
 * A failure of the webrtc-java binding. {@link #code()}: {@code webrtc_error} (libwebrtc's error
 * text, or an operation on a closed connection), or one of the media codes
 * {@link #AUDIO_DEVICE_UNAVAILABLE}, {@link #AUDIO_DEVICE_NOT_FOUND}, {@link #CAMERA_NOT_FOUND},
 * {@link #CAMERA_UNAVAILABLE}.
 */
public final class WebRtcException extends RealtimeException {
    /** The audio device module could not start: no sound server (PulseAudio), no ALSA device, or the recording/playout device failed to open. */
    public static final String AUDIO_DEVICE_UNAVAILABLE = "audio_device_unavailable";
    /** A microphone or speaker asked for by name or descriptor is not among the module's devices. */
    public static final String AUDIO_DEVICE_NOT_FOUND = "audio_device_not_found";
    /** A camera asked for by name or descriptor is not among {@code cameras()}. */
    public static final String CAMERA_NOT_FOUND = "camera_not_found";
    /** The camera exists but capture could not start (busy, unsupported capability, permission). */
    public static final String CAMERA_UNAVAILABLE = "camera_unavailable";

    public WebRtcException(String message) {
        super("webrtc_error", message);
    }

    public WebRtcException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }
}

package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.RtcConfiguration;
import ca.metered.realtime.peer.rtc.RtcPeerConnection;
import ca.metered.realtime.peer.rtc.RtcPeerConnectionFactory;
import ca.metered.realtime.peer.rtc.RtcPeerConnectionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrackSource;
import dev.onvoid.webrtc.media.MediaDevices;
import dev.onvoid.webrtc.media.audio.AudioDevice;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.onvoid.webrtc.media.video.VideoCaptureCapability;
import dev.onvoid.webrtc.media.video.VideoDevice;
import dev.onvoid.webrtc.media.video.VideoDeviceSource;
import dev.onvoid.webrtc.media.video.VideoTrackSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SDK's WebRTC port ({@code ca.metered.realtime.peer.rtc}) on
 * <a href="https://github.com/devopvoid/webrtc-java">webrtc-java</a>: give one to
 * {@code MeteredPeerOptions.Builder.rtcPeerConnectionFactory}.
 *
 * <pre>{@code
 * try (WebRtcJavaBinding rtc = new WebRtcJavaBinding();
 *      MeteredPeer peer = MeteredPeer.create(MeteredPeerOptions.builder(signalling)
 *              .rtcPeerConnectionFactory(rtc).build())) {
 *     CustomVideoSource source = new CustomVideoSource();   // push VideoFrames into it
 *     MediaTrack camera = rtc.videoTrack("camera-1", source);
 *     peer.addTrack(camera, MediaStream.of("stream-1", List.of(camera)), Map.of("role", "camera"));
 *     peer.join("room-42").join();
 * }
 * }</pre>
 *
 * <p>One instance owns one native {@link PeerConnectionFactory}. By default it is built on
 * webrtc-java's {@link HeadlessAudioDeviceModule}: no sound server or audio device is touched, so it
 * runs on servers and in containers (a plain {@code new PeerConnectionFactory()} aborts the JVM
 * where no sound server runs). A desktop application passes
 * {@code WebRtcOptions.builder().systemAudio()} to record from the microphone
 * ({@link #microphoneTrack}) and play remote audio on the speakers; cameras are opened with
 * {@link #openCamera} in either mode. Constructing it loads the native library (Linux:
 * {@code libpulse0 libudev1 libx11-6 libxfixes3 libxrandr2 libxcomposite1 libdbus-1-3} must be
 * installed).
 *
 * <p>Thread-safe; see the port's threading contract. Observer callbacks arrive on the factory's
 * native signalling thread. Share one instance between all the MeteredPeers of an application and
 * {@link #close()} it after them: it closes connections still open, then frees the factory.
 * Dispose your own tracks and sources after the peers using them are closed.
 */
public final class WebRtcJavaBinding implements RtcPeerConnectionFactory, AutoCloseable {
    private final WebRtcOptions options;
    private final AudioDeviceModuleBase audioDevices;
    private final PeerConnectionFactory factory;
    private final Set<WebRtcPeerConnection> open = ConcurrentHashMap.newKeySet();
    private final Set<CameraCapture> cameras = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Loads the native library and builds a headless factory ({@link WebRtcOptions#headless()}).
     *
     * @throws UnsatisfiedLinkError if the native library or one of its system libraries is missing
     */
    public WebRtcJavaBinding() {
        this(WebRtcOptions.headless());
    }

    /**
     * Loads the native library and builds the factory with {@code options}' audio devices.
     *
     * @throws WebRtcException {@link WebRtcException#AUDIO_DEVICE_UNAVAILABLE} when system audio is
     *                         asked for and its module, microphone or speaker does not start (no sound
     *                         server, no device); {@link WebRtcException#AUDIO_DEVICE_NOT_FOUND} when a
     *                         chosen microphone or speaker is not there
     * @throws UnsatisfiedLinkError if the native library or one of its system libraries is missing
     */
    public WebRtcJavaBinding(WebRtcOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.audioDevices = options.headlessAudio() ? new HeadlessAudioDeviceModule() : SystemAudio.open(options);
        this.factory = new PeerConnectionFactory(audioDevices);
    }

    public WebRtcOptions options() {
        return options;
    }

    /** The microphones of the audio module (headless: webrtc-java's one virtual microphone). */
    public List<AudioDevice> microphones() {
        return SystemAudio.devices(audioDevices::getRecordingDevices);
    }

    /** The speakers of the audio module (headless: webrtc-java's one virtual speaker). */
    public List<AudioDevice> speakers() {
        return SystemAudio.devices(audioDevices::getPlayoutDevices);
    }

    /** The cameras the platform reports now (Linux: V4L2 devices); empty when there are none. */
    public List<VideoDevice> cameras() {
        return List.copyOf(MediaDevices.getVideoCaptureDevices());
    }

    /** The capture formats {@code camera} offers. */
    public List<VideoCaptureCapability> cameraCapabilities(VideoDevice camera) {
        return List.copyOf(MediaDevices.getVideoCaptureCapabilities(camera));
    }

    /**
     * Starts capturing from the camera named {@code nameOrDescriptor} (see {@link #cameras()}) in
     * {@code capability} ({@code null}: the camera's default). Close the capture when done.
     *
     * @throws WebRtcException {@link WebRtcException#CAMERA_NOT_FOUND} if there is no such camera,
     *                         {@link WebRtcException#CAMERA_UNAVAILABLE} if capture does not start
     */
    public CameraCapture openCamera(String nameOrDescriptor, VideoCaptureCapability capability) {
        Objects.requireNonNull(nameOrDescriptor, "nameOrDescriptor");
        List<VideoDevice> all = cameras();
        VideoDevice device = all.stream().filter(d -> nameOrDescriptor.equals(d.getName())
                || nameOrDescriptor.equals(d.getDescriptor())).findFirst()
                .orElseThrow(() -> new WebRtcException(WebRtcException.CAMERA_NOT_FOUND, "no camera '" + nameOrDescriptor
                        + "'; cameras: " + all.stream().map(VideoDevice::getName).toList(), null));
        return openCamera(device, capability);
    }

    /** Starts capturing from {@code camera}; see {@link #openCamera(String, VideoCaptureCapability)}. */
    public CameraCapture openCamera(VideoDevice camera, VideoCaptureCapability capability) {
        Objects.requireNonNull(camera, "camera");
        if (closed) {
            throw new IllegalStateException("WebRtcJavaBinding is closed");
        }
        VideoDeviceSource source = new VideoDeviceSource();
        try {
            source.setVideoCaptureDevice(camera);
            if (capability != null) {
                source.setVideoCaptureCapability(capability);
            }
            source.start();
        } catch (RuntimeException | Error e) {
            source.dispose();
            throw new WebRtcException(WebRtcException.CAMERA_UNAVAILABLE, "camera '" + camera.getName()
                    + "' did not start: " + e.getMessage(), e);
        }
        CameraCapture capture = new CameraCapture(factory, camera, capability, source);
        cameras.add(capture);
        return capture;
    }

    /**
     * A local audio track from the audio module's microphone (echo cancellation, noise suppression
     * and gain control on, as in a browser). With headless audio it sends silence; use
     * {@link #audioTrack} with a {@code CustomAudioSource} to send generated audio.
     */
    public MediaTrack microphoneTrack(String id) {
        AudioOptions o = new AudioOptions();
        o.echoCancellation = true;
        o.noiseSuppression = true;
        o.autoGainControl = true;
        return new WebRtcMediaTrack(factory.createAudioTrack(id, factory.createAudioSource(o)));
    }

    @Override
    public RtcPeerConnection create(RtcConfiguration configuration, RtcPeerConnectionObserver observer) {
        if (closed) {
            throw new IllegalStateException("WebRtcJavaBinding is closed");
        }
        WebRtcPeerConnection pc = WebRtcPeerConnection.create(factory, Natives.configuration(configuration), observer,
                open::remove);
        open.add(pc);
        return pc;
    }

    /** A local video track fed by {@code source} (e.g. a {@code CustomVideoSource} or a camera source). */
    public MediaTrack videoTrack(String id, VideoTrackSource source) {
        return new WebRtcMediaTrack(factory.createVideoTrack(id, source));
    }

    /** An audio source for {@link #audioTrack}; with the headless module it produces silence unless fed. */
    public AudioTrackSource audioSource(AudioOptions options) {
        return factory.createAudioSource(options);
    }

    /** A local audio track fed by {@code source} (e.g. a {@code CustomAudioSource}). */
    public MediaTrack audioTrack(String id, AudioTrackSource source) {
        return new WebRtcMediaTrack(factory.createAudioTrack(id, source));
    }

    /** Wraps a webrtc-java track made elsewhere (it must come from {@link #nativeFactory()}). */
    public static MediaTrack track(MediaStreamTrack track) {
        return new WebRtcMediaTrack(track);
    }

    /** The native factory, for sources and tracks this class has no shortcut for. */
    public PeerConnectionFactory nativeFactory() {
        return factory;
    }

    /**
     * Closes the connections still open and the cameras still capturing, then frees the factory and
     * the audio module; idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (WebRtcPeerConnection pc : List.copyOf(open)) {
            pc.close();
        }
        for (CameraCapture c : List.copyOf(cameras)) {
            c.close();
        }
        factory.dispose();
        audioDevices.dispose();
    }
}

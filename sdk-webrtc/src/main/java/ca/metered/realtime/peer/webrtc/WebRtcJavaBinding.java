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
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.onvoid.webrtc.media.video.VideoTrackSource;
import java.util.List;
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
 * <p>One instance owns one native {@link PeerConnectionFactory} built on webrtc-java's
 * {@link HeadlessAudioDeviceModule}: no sound server or audio device is touched, so it runs on
 * servers and in containers (a plain {@code new PeerConnectionFactory()} aborts the JVM where no
 * sound server runs). Constructing it loads the native library (Linux: {@code libpulse0 libudev1
 * libx11-6 libxfixes3 libxrandr2 libxcomposite1 libdbus-1-3} must be installed).
 *
 * <p>Thread-safe; see the port's threading contract. Observer callbacks arrive on the factory's
 * native signalling thread. Share one instance between all the MeteredPeers of an application and
 * {@link #close()} it after them: it closes connections still open, then frees the factory.
 * Dispose your own tracks and sources after the peers using them are closed.
 */
public final class WebRtcJavaBinding implements RtcPeerConnectionFactory, AutoCloseable {
    private final HeadlessAudioDeviceModule audioDevices;
    private final PeerConnectionFactory factory;
    private final Set<WebRtcPeerConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Loads the native library and builds the factory.
     *
     * @throws UnsatisfiedLinkError if the native library or one of its system libraries is missing
     */
    public WebRtcJavaBinding() {
        this.audioDevices = new HeadlessAudioDeviceModule();
        this.factory = new PeerConnectionFactory(audioDevices);
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

    /** Closes the connections still open, then frees the factory and the audio module; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (WebRtcPeerConnection pc : List.copyOf(open)) {
            pc.close();
        }
        factory.dispose();
        audioDevices.dispose();
    }
}

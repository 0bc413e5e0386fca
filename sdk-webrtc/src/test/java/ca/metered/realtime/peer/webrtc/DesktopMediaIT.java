package ca.metered.realtime.peer.webrtc;

import static ca.metered.realtime.peer.webrtc.TestPeer.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.client.it.RealServer;
import ca.metered.realtime.peer.RemotePeerEvent;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import dev.onvoid.webrtc.media.Device;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Desktop media on a machine with no sound server, microphone, speaker or camera (the build
 * machines): device enumeration works; headless audio (the default) offers webrtc-java's virtual
 * microphone, whose track reaches another peer over real WebRTC; a capture-enabled configuration
 * either starts (where there is a sound server) or fails at construction with the documented
 * {@link WebRtcException} code, never later and never by aborting the JVM.
 */
class DesktopMediaIT {

    @Test
    void headlessAudioListsTheVirtualDevicesAndCamerasAreEnumerated() {
        try (WebRtcJavaBinding rtc = new WebRtcJavaBinding()) {
            assertThat(rtc.options().headlessAudio()).isTrue();
            assertThat(rtc.microphones()).extracting(Device::getName).containsExactly("Virtual Microphone (ADM)");
            assertThat(rtc.speakers()).extracting(Device::getName).containsExactly("Virtual Speaker (ADM)");
            // No camera here; where there is one, each has a name and at least one capture format.
            assertThat(rtc.cameras()).allSatisfy(c -> {
                assertThat(c.getName()).isNotBlank();
                assertThat(rtc.cameraCapabilities(c)).isNotEmpty();
            });
        }
    }

    @Test
    void aCameraThatIsNotThereFailsWithCameraNotFound() {
        try (WebRtcJavaBinding rtc = new WebRtcJavaBinding()) {
            assertThatThrownBy(() -> rtc.openCamera("no-such-camera", null))
                    .isInstanceOfSatisfying(WebRtcException.class, e -> {
                        assertThat(e.code()).isEqualTo(WebRtcException.CAMERA_NOT_FOUND);
                        assertThat(e.getMessage()).contains("no-such-camera", "cameras: ");
                    });
        }
    }

    @Test
    void systemAudioStartsWhereThereIsASoundServerAndOtherwiseFailsClearlyAtConstruction() {
        for (AudioLayer layer : List.of(AudioLayer.kLinuxPulseAudio, AudioLayer.kLinuxAlsaAudio,
                AudioLayer.kPlatformDefaultAudio)) {
            WebRtcOptions options = WebRtcOptions.builder().systemAudio(layer).build();
            WebRtcJavaBinding rtc;
            try {
                rtc = new WebRtcJavaBinding(options);
            } catch (WebRtcException e) {
                assertThat(e.code()).as(layer.name()).isEqualTo(WebRtcException.AUDIO_DEVICE_UNAVAILABLE);
                assertThat(e.getMessage()).contains(layer.name(), "WebRtcOptions.headless()");
                continue;
            }
            try (rtc) { // a machine with audio: the configuration is usable
                assertThat(rtc.microphones().size() + rtc.speakers().size()).as(layer.name()).isPositive();
                assertThat(rtc.microphoneTrack("mic-" + layer).kind()).isEqualTo(MediaTrack.Kind.AUDIO);
            }
        }
    }

    @Test
    void choosingADeviceThatIsNotThereFailsAtConstruction() {
        WebRtcOptions options = WebRtcOptions.builder().systemAudio(AudioLayer.kLinuxPulseAudio)
                .microphone("no-such-microphone").build();
        assertThatThrownBy(() -> new WebRtcJavaBinding(options).close())
                .isInstanceOfSatisfying(WebRtcException.class, e -> assertThat(e.code())
                        .isIn(WebRtcException.AUDIO_DEVICE_NOT_FOUND, WebRtcException.AUDIO_DEVICE_UNAVAILABLE));
        assertThatThrownBy(() -> WebRtcOptions.builder().microphone("x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("systemAudio()");
    }

    @Test
    void theVirtualMicrophonesTrackReachesAnotherPeerAndCarriesAudio() throws Exception {
        Netns.require();
        try (WebRtcJavaBinding rtc = new WebRtcJavaBinding(); RealServer server = RealServer.start(0);
             TestPeer alice = TestPeer.jwt(server, rtc, "alice", Duration.ofMillis(100), false);
             TestPeer bob = TestPeer.jwt(server, rtc, "bob", Duration.ofMillis(100), false)) {
            MediaTrack mic = rtc.microphoneTrack("mic-alice");
            alice.peer.addStream(MediaStream.of("voice", List.of(mic)), Map.of("role", "microphone"));
            alice.peer.join("room").get(10, TimeUnit.SECONDS);
            bob.peer.join("room").get(10, TimeUnit.SECONDS);

            TestPeer.Remote got = next(bob.remoteEvents, r -> r.event() instanceof RemotePeerEvent.Track);
            RemotePeerEvent.Track t = (RemotePeerEvent.Track) got.event();
            assertThat(t.track().kind()).isEqualTo(MediaTrack.Kind.AUDIO);
            assertThat(t.track().id()).isEqualTo("mic-alice");
            assertThat(t.metadata().get("role").asText()).isEqualTo("microphone");
            // Audio really flows: the receiver's sink is fed decoded 10 ms frames.
            CountDownLatch frames = new CountDownLatch(10);
            AudioTrack remote = t.track().unwrap(AudioTrack.class).orElseThrow();
            AudioTrackSink sink = (data, bitsPerSample, sampleRate, channels, framesCount) -> frames.countDown();
            remote.addSink(sink);
            try {
                assertThat(frames.await(20, TimeUnit.SECONDS)).as("decoded audio frames on the receiver").isTrue();
            } finally {
                remote.removeSink(sink);
            }
        }
    }
}

package ca.metered.realtime.peer.webrtc;

import dev.onvoid.webrtc.media.audio.AudioLayer;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link WebRtcJavaBinding} reaches audio hardware. The default, {@link #headless()}, touches
 * no sound server or device: audio tracks send what you push into a {@code CustomAudioSource} and
 * remote audio is discarded, which is what servers, containers and tests want. A desktop
 * application asks for {@link Builder#systemAudio()}: the microphone feeds
 * {@link WebRtcJavaBinding#microphoneTrack(String)} and remote audio plays on the speakers.
 * Cameras need no option: {@link WebRtcJavaBinding#openCamera} works with either.
 *
 * <p>Immutable; thread-safe.
 */
public final class WebRtcOptions {
    private static final WebRtcOptions HEADLESS = new Builder().build();

    private final AudioLayer audioLayer;   // null: headless
    private final String microphone;       // null: the module's default
    private final String speaker;

    private WebRtcOptions(Builder b) {
        this.audioLayer = b.audioLayer;
        this.microphone = b.microphone;
        this.speaker = b.speaker;
    }

    /** No audio devices at all (the default). */
    public static WebRtcOptions headless() {
        return HEADLESS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The audio layer of the system audio device module, or empty when headless. */
    public Optional<AudioLayer> audioLayer() {
        return Optional.ofNullable(audioLayer);
    }

    /** The microphone asked for (name or descriptor), or empty for the default one. */
    public Optional<String> microphone() {
        return Optional.ofNullable(microphone);
    }

    /** The speaker asked for (name or descriptor), or empty for the default one. */
    public Optional<String> speaker() {
        return Optional.ofNullable(speaker);
    }

    public boolean headlessAudio() {
        return audioLayer == null;
    }

    @Override
    public String toString() {
        return headlessAudio() ? "WebRtcOptions[headless]" : "WebRtcOptions[audio=" + audioLayer + ", microphone="
                + (microphone == null ? "default" : microphone) + ", speaker=" + (speaker == null ? "default" : speaker) + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private AudioLayer audioLayer;
        private String microphone;
        private String speaker;

        private Builder() {
        }

        /** The platform's audio devices through its default layer (Linux: PulseAudio; Windows: Core Audio; macOS: Core Audio). */
        public Builder systemAudio() {
            return systemAudio(AudioLayer.kPlatformDefaultAudio);
        }

        /** The platform's audio devices through {@code layer}, e.g. {@code AudioLayer.kLinuxAlsaAudio}. */
        public Builder systemAudio(AudioLayer layer) {
            this.audioLayer = Objects.requireNonNull(layer, "layer");
            return this;
        }

        /** Back to no audio devices. */
        public Builder headlessAudio() {
            this.audioLayer = null;
            this.microphone = null;
            this.speaker = null;
            return this;
        }

        /** The microphone to record from, by its name or descriptor (see {@link WebRtcJavaBinding#microphones()}). Needs system audio. */
        public Builder microphone(String nameOrDescriptor) {
            this.microphone = Objects.requireNonNull(nameOrDescriptor, "nameOrDescriptor");
            return this;
        }

        /** The speaker to play remote audio on, by its name or descriptor. Needs system audio. */
        public Builder speaker(String nameOrDescriptor) {
            this.speaker = Objects.requireNonNull(nameOrDescriptor, "nameOrDescriptor");
            return this;
        }

        /** @throws IllegalArgumentException if a device is chosen without system audio */
        public WebRtcOptions build() {
            if (audioLayer == null && (microphone != null || speaker != null)) {
                throw new IllegalArgumentException("microphone/speaker need systemAudio(); headless audio has no devices to choose");
            }
            return new WebRtcOptions(this);
        }
    }
}

package ca.metered.realtime.peer.webrtc;

import dev.onvoid.webrtc.media.audio.AudioDevice;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Opens webrtc-java's system {@link AudioDeviceModule} for {@link WebRtcOptions#audioLayer()} and
 * picks the chosen microphone and speaker, failing early with a {@link WebRtcException} rather than
 * at the first call: webrtc-java reports a module that cannot start (no PulseAudio server, no ALSA
 * device) as a {@code java.lang.Error}, and some layers as a runtime exception from the device list.
 * Stateless.
 */
final class SystemAudio {
    private SystemAudio() {
    }

    static AudioDeviceModuleBase open(WebRtcOptions options) {
        String layer = String.valueOf(options.audioLayer().orElseThrow());
        AudioDeviceModule adm;
        try {
            adm = new AudioDeviceModule(options.audioLayer().get());
        } catch (RuntimeException | Error e) {
            throw unavailable("the " + layer + " audio module did not start (" + e.getMessage() + ")", e);
        }
        try {
            List<AudioDevice> microphones = devices(adm::getRecordingDevices);
            List<AudioDevice> speakers = devices(adm::getPlayoutDevices);
            if (microphones.isEmpty() && speakers.isEmpty()) {
                throw unavailable("the " + layer + " audio module has no microphone and no speaker", null);
            }
            Optional<AudioDevice> mic = choose(options.microphone(), microphones, "microphone");
            Optional<AudioDevice> spk = choose(options.speaker(), speakers, "speaker");
            try {
                mic.ifPresent(adm::setRecordingDevice);
                spk.ifPresent(adm::setPlayoutDevice);
                if (!microphones.isEmpty()) {
                    adm.initRecording();
                }
                if (!speakers.isEmpty()) {
                    adm.initPlayout();
                }
            } catch (RuntimeException | Error e) {
                throw unavailable("the " + layer + " audio devices did not open (" + e.getMessage() + ")", e);
            }
            return adm;
        } catch (RuntimeException e) {
            adm.dispose();
            throw e;
        }
    }

    /** A device list, or empty when the module cannot list its devices. */
    static List<AudioDevice> devices(Supplier<List<AudioDevice>> list) {
        try {
            List<AudioDevice> l = list.get();
            return l == null ? List.of() : List.copyOf(l);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static Optional<AudioDevice> choose(Optional<String> wanted, List<AudioDevice> devices, String what) {
        if (wanted.isEmpty()) {
            return Optional.empty(); // the module's default
        }
        String w = wanted.get();
        return Optional.of(devices.stream().filter(d -> w.equals(d.getName()) || w.equals(d.getDescriptor())).findFirst()
                .orElseThrow(() -> new WebRtcException(WebRtcException.AUDIO_DEVICE_NOT_FOUND, "no " + what + " '" + w
                        + "'; " + what + "s: " + devices.stream().map(AudioDevice::getName).toList(), null)));
    }

    private static WebRtcException unavailable(String what, Throwable cause) {
        return new WebRtcException(WebRtcException.AUDIO_DEVICE_UNAVAILABLE, what
                + ": is a sound server (PulseAudio) running and a device present? Servers and containers use "
                + "WebRtcOptions.headless()", cause);
    }
}

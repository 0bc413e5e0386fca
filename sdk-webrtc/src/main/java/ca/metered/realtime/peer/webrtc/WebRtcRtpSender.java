package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.RtpSender;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An {@link RtpSender} over webrtc-java's {@link RTCRtpSender}. {@code replaceTrack} is synchronous
 * in webrtc-java, so its stage is already complete when returned. Thread-safe.
 */
final class WebRtcRtpSender implements RtpSender {
    private final RTCRtpSender sender;
    private final WebRtcPeerConnection owner;

    WebRtcRtpSender(RTCRtpSender sender, WebRtcPeerConnection owner) {
        this.sender = sender;
        this.owner = owner;
    }

    RTCRtpSender nativeSender() {
        return sender;
    }

    @Override
    public MediaTrack track() {
        return owner.read(() -> {
            MediaStreamTrack t = sender.getTrack();
            return t == null ? null : new WebRtcMediaTrack(t);
        }, null);
    }

    @Override
    public CompletionStage<Void> replaceTrack(MediaTrack track) {
        try {
            MediaStreamTrack n = track == null ? null : WebRtcMediaTrack.nativeOf(track);
            owner.run(() -> sender.replaceTrack(n));
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String toString() {
        return "WebRtcRtpSender[" + track() + "]";
    }
}

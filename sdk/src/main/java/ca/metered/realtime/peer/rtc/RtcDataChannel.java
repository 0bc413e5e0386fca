package ca.metered.realtime.peer.rtc;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@code RTCDataChannel}: created by {@link RtcPeerConnection#createDataChannel} or announced by
 * {@link RtcPeerConnectionObserver#onDataChannel}. Applications normally use the SDK's bounded
 * {@code ca.metered.realtime.peer.DataChannel} wrapper around it.
 *
 * <p>Thread-safe; see the {@linkplain ca.metered.realtime.peer.rtc package} for the threading
 * contract. Like webrtc-java's {@code RTCDataChannel}, it has a single observer.
 */
public interface RtcDataChannel {

    String label();

    DataChannelState state();

    /** Bytes queued in the native send buffer, not yet handed to the transport. */
    long bufferedAmount();

    /**
     * Queues one message: {@code binary == false} sends {@code data} as a UTF-8 text message.
     * Never blocks; reads {@code data} from its position to its limit before returning.
     *
     * @throws IllegalStateException if the channel is not {@code OPEN} or the native buffer refused
     *                               the message
     */
    void send(ByteBuffer data, boolean binary);

    /**
     * Sets the one observer, replacing any previous one; {@code null} detaches (webrtc-java:
     * {@code registerObserver} / {@code unregisterObserver}). Messages arriving with no observer
     * set are dropped.
     */
    void setObserver(RtcDataChannelObserver observer);

    /** Closes the channel; idempotent. The observer still sees {@code CLOSING} / {@code CLOSED}. */
    void close();

    /** The native object behind this handle (webrtc-java: {@code dev.onvoid.webrtc.RTCDataChannel}). */
    default <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }
}

package ca.metered.realtime.peer.rtc;

import java.nio.ByteBuffer;

/**
 * Events of one {@link RtcDataChannel} (webrtc-java: {@code RTCDataChannelObserver}). Called on a
 * binding thread, one at a time, in native order; implementations return quickly.
 */
public interface RtcDataChannelObserver {

    /** The channel's state changed; read the new one from the argument, not the channel. */
    void onStateChange(DataChannelState state);

    /**
     * One inbound message. {@code data} is only valid during the call (the binding may reuse the
     * native buffer): copy what you keep.
     */
    void onMessage(ByteBuffer data, boolean binary);

    /** {@link RtcDataChannel#bufferedAmount()} changed from {@code previousAmount}. */
    void onBufferedAmountChange(long previousAmount);
}

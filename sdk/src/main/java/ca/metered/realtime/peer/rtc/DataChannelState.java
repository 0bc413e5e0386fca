package ca.metered.realtime.peer.rtc;

/** {@code RTCDataChannelState}. */
public enum DataChannelState {
    CONNECTING, OPEN, CLOSING, CLOSED
}

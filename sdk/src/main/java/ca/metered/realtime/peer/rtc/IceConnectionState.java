package ca.metered.realtime.peer.rtc;

/** {@code RTCIceConnectionState}. Only {@code FAILED} starts the SDK's ICE-restart ladder. */
public enum IceConnectionState {
    NEW, CHECKING, CONNECTED, COMPLETED, DISCONNECTED, FAILED, CLOSED
}

package ca.metered.realtime.peer.rtc;

/** {@code RTCPeerConnectionState}; drives the remote peer's state (sdk.md 1.4). */
public enum PeerConnectionState {
    NEW, CONNECTING, CONNECTED, DISCONNECTED, FAILED, CLOSED
}

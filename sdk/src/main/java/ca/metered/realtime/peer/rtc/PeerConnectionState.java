package ca.metered.realtime.peer.rtc;

/** {@code RTCPeerConnectionState}; drives the remote peer's state (docs/sdk-behaviour.md 1.4). */
public enum PeerConnectionState {
    NEW, CONNECTING, CONNECTED, DISCONNECTED, FAILED, CLOSED
}

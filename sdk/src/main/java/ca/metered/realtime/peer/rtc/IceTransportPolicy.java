package ca.metered.realtime.peer.rtc;

/**
 * Which ICE candidates a peer connection may use ({@code RTCConfiguration.iceTransportPolicy}).
 */
public enum IceTransportPolicy {
    /** Every candidate: host, server-reflexive (STUN) and relay (TURN). The default, as in browsers. */
    ALL,
    /**
     * Only relay candidates: all media and data go through a TURN server, so the remote peer never
     * learns this host's addresses (privacy), and a test can prove the TURN path works. Without a
     * TURN server in the ICE servers, connections cannot be established.
     */
    RELAY
}

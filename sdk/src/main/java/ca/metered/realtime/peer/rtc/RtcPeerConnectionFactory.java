package ca.metered.realtime.peer.rtc;

/**
 * Creates peer connections; the JS SDK's {@code rtcPeerConnectionFactory} option. {@code MeteredPeer}
 * creates one connection per remote peer, and a fresh one for every survivor of a reconcile.
 *
 * <p>Thread-safe: called from the SDK's loops, possibly from several {@code MeteredPeer}s at once.
 * See the {@linkplain ca.metered.realtime.peer.rtc package} for the threading contract.
 */
@FunctionalInterface
public interface RtcPeerConnectionFactory {

    /**
     * Creates a connection in signalling state {@code STABLE}, connection state {@code NEW}.
     *
     * @param configuration ICE servers (from the welcome's {@code iceServers}; may be empty)
     * @param observer      receives this connection's events until it is closed; the binding keeps
     *                      exactly this one observer (no listener list)
     * @throws RuntimeException if the native stack cannot create a connection; the SDK reports it
     *                          as a {@code negotiation-error} on the remote peer
     */
    RtcPeerConnection create(RtcConfiguration configuration, RtcPeerConnectionObserver observer);
}

package ca.metered.realtime.peer;

/**
 * Options of {@link MeteredPeer#join(String, JoinOptions)}.
 *
 * @param includeSenderMetadata broadcasts arrive with the sender's {@code peerMetadata} in
 *                              {@link PeerEvent.Data#senderMetadata()} (directs always carry it)
 */
public record JoinOptions(boolean includeSenderMetadata) {
    public static final JoinOptions DEFAULT = new JoinOptions(false);
}

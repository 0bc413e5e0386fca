package ca.metered.realtime.bench.load;

/** The wire protocols the generator speaks. */
public enum Protocol {
    /** rms: JSON frames at {@code /v1} (docs/protocol.md). */
    RMS,
    /** nats-server: the NATS client protocol over its WebSocket listener. */
    NATS;

    /** A new, unconnected connection of this protocol. */
    public Peer peer(int index, PeerListener listener, int messageSize) {
        return this == RMS ? new RmsPeer(index, listener, messageSize) : new NatsPeer(index, listener, messageSize);
    }
}

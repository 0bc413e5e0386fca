package ca.metered.realtime.bench.load;

import java.util.List;

/**
 * What a workload hears from its connections. Called on the connection's event loop; several
 * connections call one listener concurrently, so implementations must be thread-safe.
 */
public interface PeerListener {
    /** A message published by the load generator arrived; {@code sentNanos} is its send time ({@link Payload}). */
    default void delivered(Peer peer, long sentNanos) {
    }

    /** The server acknowledged a publish sent with {@link Peer#publish(String, boolean)} and {@code ack}. */
    default void acked(Peer peer) {
    }

    /** A presence frame (rms only): the peerIds of its {@code joined} and {@code left} arrays. */
    default void presence(Peer peer, List<String> joined, List<String> left) {
    }

    /**
     * A presence frame read through a {@link PeerDirectory} (rms only): member numbers of its
     * {@code joined} and {@code left} arrays, -1 for a peerId not in the directory. The arrays
     * are the scan's own, reused for the next frame: read them before returning.
     */
    default void presence(Peer peer, int[] joined, int joinedCount, int[] left, int leftCount) {
    }

    /** An error the server reported on an open connection (rms {@code error} frame, NATS {@code -ERR}). */
    default void error(Peer peer, String text) {
    }

    /** The connection ended; {@code code} is the close code received, or 1006 without one. */
    default void closed(Peer peer, int code) {
    }
}

package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.frame.FrameSlices;
import ca.metered.realtime.protocol.frame.RawJson;

/**
 * What the hub needs from one live connection: identity, presence flags and a way to hand it
 * an already-encoded frame.
 *
 * <p>Implementations must make {@link #deliver} safe to call from any thread; the hub calls it
 * from the publishing connection's event loop, from REST handler threads and from backplane
 * threads. Frames handed to one subscriber from one thread must be written in call order.
 */
public interface Subscriber {

    /** Node-unique id of this connection; used to exclude a publisher from its own message. */
    long connectionId();

    String peerId();

    /** The peer's {@code peerMetadata} claim, or {@code null}. */
    RawJson peerMetadata();

    /** Whether this connection may see presence and be announced (the {@code presence} action). */
    boolean presenceEnabled();

    /**
     * Queues one encoded text frame. The array is shared with other subscribers and must not be
     * modified. Never blocks; a connection that cannot keep up closes itself.
     */
    void deliver(byte[] frame);

    /**
     * Queues one encoded text frame made of slices of shared arrays (a presence snapshot or the
     * part of a window's deltas a joiner lacks, docs/protocol.md 2.3), in order with
     * {@link #deliver(byte[])}. A connection writes the slices as they are; by default they are
     * joined into one array.
     */
    default void deliver(FrameSlices frame) {
        deliver(frame.toBytes());
    }

    /** Closes the connection with a WebSocket close code; safe from any thread, idempotent. */
    void close(int code, String reason);
}

package ca.metered.realtime.server.connection;

import ca.metered.realtime.protocol.frame.FrameSlices;

/**
 * The outbound half of one client connection, as the core sees it: queue a frame, ping, close.
 * The WebSocket transport implements it with a byte-capped FIFO per connection
 * ({@code session.OutboundQueue}).
 *
 * <p>Implementations are thread-safe and never block: every method may be called from any
 * thread, and what one thread queues goes out in the order it queued it.
 */
public interface Link {

    /**
     * Queues one encoded text frame (shared with other connections; not modified). A connection
     * whose queue would pass its byte cap is closed with 1008 {@code slow consumer} instead
     * (docs/protocol.md 4). Ignored once the connection is closing.
     */
    void send(byte[] frame);

    /**
     * Queues one encoded text frame made of slices of shared arrays, as {@link #send(byte[])}
     * (the same cap, the same order); a transport writes the slices without joining them first.
     */
    default void send(FrameSlices frame) {
        send(frame.toBytes());
    }

    /** Queues a keepalive ping (docs/protocol.md 8), counted against the same cap. */
    void ping();

    /** Closes with a WebSocket close code, after what is already queued. Idempotent. */
    void close(int code, String reason);

    /** Whether a close has been decided: nothing more will be sent. */
    boolean isClosing();

    /** Bytes queued and not yet written to the socket. */
    long queuedBytes();

    /** Where the client connects from (behind a trusted proxy: the address it forwarded), for the admin and logs. */
    default String remoteAddress() {
        return "unknown";
    }
}

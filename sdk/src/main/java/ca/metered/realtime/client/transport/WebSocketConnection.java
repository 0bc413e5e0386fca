package ca.metered.realtime.client.transport;

/** One WebSocket connection made by a {@link WebSocketTransport}. Thread-safe. */
public interface WebSocketConnection {
    /**
     * Queues a text message; messages are sent in call order. Returns {@code false} if the
     * connection is not open (not yet open, closing or closed) and the message was dropped.
     */
    boolean send(String text);

    /**
     * Starts the closing handshake with {@code code} and {@code reason}; idempotent. The listener's
     * {@code onClose} follows. Messages queued before are flushed first where the library allows.
     */
    void close(int code, String reason);
}

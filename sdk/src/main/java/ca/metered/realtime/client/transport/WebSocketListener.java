package ca.metered.realtime.client.transport;

/** Receives what happens on one {@link WebSocketConnection}; see {@link WebSocketTransport} for the call contract. */
public interface WebSocketListener {
    /** The handshake completed. */
    void onOpen();

    /** One complete text message. */
    void onText(String text);

    /** The connection is closed; the last call. 1006 when it closed without a close frame. */
    void onClose(int code, String reason);

    /** A transport error, for logging; {@code onClose} follows. */
    default void onError(Throwable error) {
    }
}

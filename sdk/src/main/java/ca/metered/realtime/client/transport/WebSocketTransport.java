package ca.metered.realtime.client.transport;

import java.net.URI;

/**
 * Opens WebSocket connections for a {@code SignallingClient}; the port through which any
 * WebSocket library (or a test fake) plugs in. The default is {@link JdkWebSocketTransport}.
 *
 * <p>Implementations must be thread-safe; one instance is typically shared by many clients.
 */
@FunctionalInterface
public interface WebSocketTransport {
    /**
     * Starts opening a connection to {@code uri} (which carries the credential in its query: never
     * log it unscrubbed) and returns at once, without blocking.
     *
     * <p>Contract for {@code listener}: calls are sequential (never concurrent) and may come from
     * any thread; {@link WebSocketListener#onOpen()} at most once, then any number of
     * {@link WebSocketListener#onText(String)} with whole messages, then
     * {@link WebSocketListener#onClose(int, String)} exactly once, also when the connection could
     * not be opened (then with 1006) and after {@link WebSocketConnection#close(int, String)}, if
     * need be synthesised after a short grace period when the peer never answers.
     */
    WebSocketConnection connect(URI uri, WebSocketListener listener);
}

package ca.metered.realtime.client;

import java.util.Locale;

/**
 * The connection state of a {@link SignallingClient}.
 *
 * <pre>
 *            connect()                               close()
 *   IDLE ─────────────► CONNECTING ──► CONNECTED ─────────────► CLOSED
 *                                        │   ▲
 *                         transient drop │   │ reconnect succeeded
 *                                        ▼   │
 *                                     RECONNECTING ── terminal close or maxAttempts ──► CLOSED
 * </pre>
 *
 * <p>{@code CLOSED} is not final: {@link SignallingClient#connect()} may be called again.
 */
public enum ClientState {
    IDLE, CONNECTING, CONNECTED, RECONNECTING, CLOSED;

    /** The JS SDK's name for the state ({@code "idle"}, {@code "connecting"}, ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

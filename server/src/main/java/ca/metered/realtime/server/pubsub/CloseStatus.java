package ca.metered.realtime.server.pubsub;

import java.util.Objects;

/**
 * How a connection ended (docs/protocol.md 4): the close code and reason of the first close frame —
 * the server's when it closed first, the client's when the client did — or {@link #ABNORMAL}
 * when the connection went away without one.
 *
 * <p>Immutable; thread-safe.
 */
public record CloseStatus(int code, String reason) {
    /** No close frame came or went (RFC 6455 7.1.5): 1006, which is never sent on the wire. */
    public static final CloseStatus ABNORMAL = new CloseStatus(1006, "");

    public CloseStatus {
        Objects.requireNonNull(reason, "reason");
    }
}

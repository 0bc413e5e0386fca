package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.ErrorCode;
import java.util.Objects;

/**
 * Why the server will not do what a client asked: the protocol error code and a short message
 * for a person (docs/protocol.md 3). The WebSocket sends it as an {@code error} frame as is; REST
 * maps the code to its HTTP status in one place.
 *
 * <p>Immutable; thread-safe.
 */
public record Refusal(ErrorCode code, String message) {

    public Refusal {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}

package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.ErrorCode;
import java.util.Objects;

/**
 * What a {@code refresh} (docs/protocol.md 9) came to: the connection's grant with the new expiry, or
 * the {@code error} to answer. Handle it with an exhaustive {@code switch}.
 *
 * <p>Immutable; thread-safe.
 */
public sealed interface RefreshOutcome {

    /** The refresh is accepted: the connection continues with {@code grant}, whose expiry is the new token's. */
    record Refreshed(Grant grant) implements RefreshOutcome {
        public Refreshed {
            Objects.requireNonNull(grant, "grant");
        }
    }

    /** The refresh is refused; the connection keeps its grant and expiry. */
    record Refused(ErrorCode code, String message) implements RefreshOutcome {
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}

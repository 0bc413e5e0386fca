package ca.metered.realtime.server.auth;

import java.util.Objects;

/**
 * The result of authenticating a WebSocket upgrade (docs/protocol.md 1). Handle it with an
 * exhaustive {@code switch}.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface AuthOutcome {

    /** Accepted: send {@code welcome} for this grant. */
    record Granted(Grant grant) implements AuthOutcome {
        public Granted {
            Objects.requireNonNull(grant, "grant");
        }
    }

    /**
     * Refused after the upgrade: complete it, then close with {@code closeCode} and the short
     * {@code reason} before any {@code welcome}, so browser clients can read the code.
     */
    record Rejected(int closeCode, String reason) implements AuthOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The publishable key does not allow the request's {@code Origin}: answer HTTP 401 with
     * body {@code {"error":"origin_not_allowed"}} and do not upgrade.
     */
    record OriginRejected() implements AuthOutcome {
    }
}

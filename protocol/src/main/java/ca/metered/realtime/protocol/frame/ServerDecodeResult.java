package ca.metered.realtime.protocol.frame;

import java.util.Objects;

/**
 * Outcome of decoding one text message a client received: a server frame, or the reason it was
 * malformed. Clients drop malformed frames (with a log line) and keep the connection, as the
 * official SDK's strict inbound parser does.
 *
 * <p>Immutable; thread-safe.
 */
public sealed interface ServerDecodeResult permits ServerDecodeResult.Ok, ServerDecodeResult.Malformed {

    record Ok(ServerFrame frame) implements ServerDecodeResult {
        public Ok {
            Objects.requireNonNull(frame, "frame");
        }
    }

    /** @param reason short English reason for logs; never contains the frame's payload */
    record Malformed(String reason) implements ServerDecodeResult {
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

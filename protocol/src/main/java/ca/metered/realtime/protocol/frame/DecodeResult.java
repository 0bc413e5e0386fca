package ca.metered.realtime.protocol.frame;

import ca.metered.realtime.protocol.ErrorCode;

/**
 * Outcome of decoding one inbound text message: a command, or the {@code error} frame the
 * server must answer with (docs/protocol.md 3).
 *
 * <p>Immutable; thread-safe.
 */
public sealed interface DecodeResult permits DecodeResult.Ok, DecodeResult.Invalid {

    record Ok(ClientFrame frame) implements DecodeResult {
    }

    /** @param requestId the command's requestId when it could be read and is valid, else {@code null} */
    record Invalid(ErrorCode code, String message, String requestId) implements DecodeResult {
        public ServerFrame.Error toFrame() {
            return new ServerFrame.Error(code.wireName(), message, requestId);
        }
    }
}

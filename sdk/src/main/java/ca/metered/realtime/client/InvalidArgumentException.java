package ca.metered.realtime.client;

/**
 * An argument of a call that returns a future is invalid, so the call completed its future with
 * this instead of throwing (the SDK's one error rule, see {@link SignallingClient}). Code
 * {@code invalid_args}, as {@code MeteredPeerSendException}'s for {@code send}/{@code sendTo}.
 * Nothing was sent.
 *
 * <p>Raised for a channel that is not 1–256 UTF-8 bytes without control characters, a peerId that
 * is not 1–128 printable ASCII characters (docs/protocol.md 2.4, 5), a {@code null} argument, and data
 * Jackson cannot serialise. It is not a {@link SignallingException}: the connection reported
 * nothing, the caller made a mistake.
 */
public class InvalidArgumentException extends RealtimeException {
    public InvalidArgumentException(String message) {
        super("invalid_args", message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super("invalid_args", message, cause);
    }
}

package ca.metered.realtime.client;

/**
 * Base of every failure of the {@link SignallingClient} layer (Python {@code SignallingError}):
 * connect, request, transport and argument errors. Catch it to handle "anything the signalling
 * connection reported"; catch {@link RealtimeException} for everything the SDK raises, MeteredPeer
 * errors included. Branch on the subtype or on {@link #code()}.
 */
public class SignallingException extends RealtimeException {
    public SignallingException(String code, String message) {
        super(code, message);
    }

    public SignallingException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }
}

package ca.metered.realtime.client;

/**
 * A lifecycle call that the current state does not allow, e.g. {@code connect()} while
 * {@code connecting}, or a connect superseded by {@code close()} followed by another
 * {@code connect()}. Code {@code invalid_state}.
 */
public class InvalidStateException extends SignallingException {
    private final ClientState state;

    public InvalidStateException(String message, ClientState state) {
        super("invalid_state", message);
        this.state = state;
    }

    public ClientState state() {
        return state;
    }
}

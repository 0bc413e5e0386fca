package ca.metered.realtime.client;

/**
 * A request was made while the client was not {@link ClientState#CONNECTED}; the frame never left
 * the client. Wait for the {@code connected} event (or the {@code connect()} future) and retry.
 * Code {@code not_connected}.
 */
public class NotConnectedException extends SignallingException {
    private final ClientState state;

    public NotConnectedException(ClientState state) {
        super("not_connected", "SignallingClient: not connected (state=" + state.wireName() + ")");
        this.state = state;
    }

    public ClientState state() {
        return state;
    }
}

package ca.metered.realtime.client;

/**
 * The connection closed after the request was sent but before its ack. The server may or may not
 * have processed it; retry after the next {@code connected} if the operation is idempotent.
 * Code {@code disconnected}.
 */
public class DisconnectedException extends SignallingException {
    private final int closeCode;
    private final String closeReason;

    public DisconnectedException(int closeCode, String closeReason) {
        super("disconnected", "connection closed before ack: code=" + closeCode + " reason='" + closeReason + "'");
        this.closeCode = closeCode;
        this.closeReason = closeReason;
    }

    public int closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }
}

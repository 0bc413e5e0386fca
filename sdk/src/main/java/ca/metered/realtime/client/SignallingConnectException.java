package ca.metered.realtime.client;

/**
 * {@link SignallingClient#connect()} failed: the WebSocket closed before the server's
 * {@code welcome} (code {@code signalling_connect_error}), or no welcome came within 10 s
 * (code {@code welcome_timeout}, close code 4000). Branch on {@link #closeCode()}: 4001 means
 * the credential is wrong, 4010 the app is at its connection limit, 4012 the app is suspended.
 *
 * <p>The message never includes the server's reason text; read {@link #closeReason()}.
 */
public class SignallingConnectException extends SignallingException {
    private final int closeCode;
    private final String closeReason;

    public SignallingConnectException(int closeCode, String closeReason) {
        this("signalling_connect_error", "signalling connection closed before welcome (closeCode=" + closeCode + ")",
                closeCode, closeReason);
    }

    protected SignallingConnectException(String code, String message, int closeCode, String closeReason) {
        super(code, message);
        this.closeCode = closeCode;
        this.closeReason = closeReason == null ? "" : closeReason;
    }

    /** The no-welcome-in-time case: the client closed the socket itself with 4000. */
    public static SignallingConnectException welcomeTimeout(long timeoutMs) {
        return new SignallingConnectException("welcome_timeout", "no welcome frame within " + timeoutMs + "ms",
                4000, "welcome timeout");
    }

    public int closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }
}

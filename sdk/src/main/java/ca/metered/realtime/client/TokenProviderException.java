package ca.metered.realtime.client;

/**
 * The {@link TokenProvider} failed (code {@code token_provider_error}: it threw, failed its stage,
 * or returned {@code null} or an empty token) or did not complete in time (code
 * {@code token_provider_timeout}). Fails {@code connect()} on a first connect; during reconnects it
 * only schedules the next attempt and, from the third consecutive failure on, fires
 * {@link ClientEvent.TokenProviderError}.
 */
public class TokenProviderException extends SignallingException {
    public TokenProviderException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    public static TokenProviderException timeout(long timeoutMs) {
        return new TokenProviderException("token_provider_timeout",
                "tokenProvider did not resolve within " + timeoutMs + "ms", null);
    }

    public static TokenProviderException failed(Throwable cause) {
        String detail = cause == null ? "returned an empty token"
                : "failed: " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new TokenProviderException("token_provider_error", "tokenProvider " + detail, null);
    }
}

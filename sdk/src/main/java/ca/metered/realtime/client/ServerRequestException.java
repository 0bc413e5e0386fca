package ca.metered.realtime.client;

import ca.metered.realtime.protocol.ErrorCode;
import java.util.Optional;

/**
 * The server answered a request with an {@code error} frame. {@link #code()} is the server's code
 * verbatim (e.g. {@code channel_not_authorized}, {@code peer_not_found}); codes this SDK does not
 * know are passed through too. The connection stays open.
 */
public class ServerRequestException extends SignallingException {
    private final String requestId;
    private final String serverMessage;

    public ServerRequestException(String code, String serverMessage, String requestId) {
        super(code, serverMessage == null ? code : serverMessage);
        this.requestId = requestId;
        this.serverMessage = serverMessage;
    }

    public String requestId() {
        return requestId;
    }

    /** The server's human text, or {@code null}. */
    public String serverMessage() {
        return serverMessage;
    }

    /** The code as a known {@link ErrorCode}, or empty for a code newer than this SDK. */
    public Optional<ErrorCode> errorCode() {
        return ErrorCode.fromWireName(code());
    }

    /** Whether retrying the same request later can succeed (e.g. {@code peer_not_found}, {@code backend_error}). */
    public boolean temporary() {
        return errorCode().map(ErrorCode::temporary).orElse(false);
    }
}

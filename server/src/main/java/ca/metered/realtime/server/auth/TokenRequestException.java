package ca.metered.realtime.server.auth;

import java.util.Objects;

/**
 * A {@link TokenRequest} was refused. {@link #code()} is the REST error code (docs/protocol.md 7):
 * {@value #INVALID_REQUEST} (HTTP 400), {@value #CHANNEL_NOT_AUTHORIZED} or
 * {@value #ACTION_NOT_PERMITTED} (HTTP 403); the message is human text naming the field.
 *
 * <p>Immutable; thread-safe.
 */
public final class TokenRequestException extends RuntimeException {
    public static final String INVALID_REQUEST = "invalid_request";
    public static final String CHANNEL_NOT_AUTHORIZED = "channel_not_authorized";
    public static final String ACTION_NOT_PERMITTED = "action_not_permitted";

    private final String code;

    public TokenRequestException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** One of {@link #INVALID_REQUEST}, {@link #CHANNEL_NOT_AUTHORIZED}, {@link #ACTION_NOT_PERMITTED}. */
    public String code() {
        return code;
    }
}

package ca.metered.realtime.server.rest;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.server.auth.Refusal;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A REST failure with its HTTP status and error code (docs/protocol.md 7), thrown inside a handler
 * and turned into the shared {@code {"error","message"}} body in one place. {@link #of} is the
 * one mapping from the core's error codes to HTTP statuses.
 */
public final class RestError extends RuntimeException {
    private final HttpResponseStatus status;
    private final String code;

    RestError(HttpResponseStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static RestError invalid(String message) {
        return new RestError(HttpResponseStatus.BAD_REQUEST, "invalid_request", message);
    }

    static RestError forbidden(String code, String message) {
        return new RestError(HttpResponseStatus.FORBIDDEN, code, message);
    }

    /**
     * The HTTP answer to a refusal of the core, for an endpoint that needs {@code action} on a
     * concrete channel. The messages speak of the secret key, the REST credential.
     */
    static RestError of(Refusal r, Action action) {
        return switch (r.code()) {
            case CHANNEL_RESERVED -> new RestError(HttpResponseStatus.BAD_REQUEST, "channel_reserved", r.message());
            case INVALID_CHANNEL -> invalid("channel must be a concrete name, not a wildcard pattern");
            case ACTION_NOT_PERMITTED -> forbidden("action_not_permitted",
                    "the secret key lacks the " + action.wireName() + " action");
            case CHANNEL_NOT_AUTHORIZED -> forbidden("channel_not_authorized", "channel outside the secret key's channels");
            case OVER_MESSAGE_QUOTA -> new RestError(HttpResponseStatus.TOO_MANY_REQUESTS, "over_message_quota",
                    r.message());
            case HISTORY_NOT_ENABLED -> new RestError(HttpResponseStatus.NOT_FOUND, "history_not_enabled", r.message());
            case UNRECOVERABLE_POSITION -> new RestError(HttpResponseStatus.GONE, "unrecoverable_position", r.message());
            case BACKEND_ERROR, INTERNAL_ERROR -> new RestError(HttpResponseStatus.SERVICE_UNAVAILABLE, "internal_error",
                    "internal error");
            default -> invalid(r.message());
        };
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** HTTP status for a {@code TokenRequestException} / error-code string. */
    static HttpResponseStatus statusFor(String code) {
        return switch (code) {
            case "channel_not_authorized", "action_not_permitted" -> HttpResponseStatus.FORBIDDEN;
            case "unauthorized" -> HttpResponseStatus.UNAUTHORIZED;
            case "not_found" -> HttpResponseStatus.NOT_FOUND;
            default -> HttpResponseStatus.BAD_REQUEST;
        };
    }
}

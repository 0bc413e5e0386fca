package ca.metered.realtime.server.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A REST failure with its HTTP status and error code (protocol.md 7), thrown inside a handler
 * and turned into the shared {@code {"error","message"}} body in one place.
 */
final class RestError extends RuntimeException {
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

    HttpResponseStatus status() {
        return status;
    }

    String code() {
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

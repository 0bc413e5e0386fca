package ca.metered.realtime.client;

import ca.metered.realtime.client.internal.Scrub;

/**
 * Root of every exception the SDK raises or fails a future with (Python
 * {@code MeteredRealtimeError}): {@link SignallingException} for the signalling layer, the
 * {@code MeteredPeer*} exceptions and {@code DataChannelOverflowException} for the peer layer.
 * Branch on the type or on {@link #code()}, which is stable across releases; message text is not.
 *
 * <p>Messages never contain credentials: {@code token=} and {@code key=} query values are
 * replaced with {@code ***}.
 */
public class RealtimeException extends RuntimeException {
    private final String code;

    public RealtimeException(String code, String message) {
        this(code, message, null);
    }

    public RealtimeException(String code, String message, Throwable cause) {
        super(Scrub.credentials(message), cause);
        this.code = code;
    }

    /** A stable, snake_case code such as {@code not_connected} or a server error code. */
    public String code() {
        return code;
    }
}

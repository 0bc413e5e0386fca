package ca.metered.realtime.client;

import java.time.Duration;

/**
 * No {@code ack} or {@code error} arrived for a request within the ack timeout (15 s). The
 * connection is probably silently dropping frames; the request may or may not have been processed.
 * Code {@code ack_timeout}.
 */
public class AckTimeoutException extends SignallingException {
    private final String requestId;
    private final Duration timeout;

    public AckTimeoutException(String requestId, Duration timeout) {
        super("ack_timeout", "ack timeout for requestId=" + requestId + " (no server ack within "
                + timeout.toMillis() + "ms)");
        this.requestId = requestId;
        this.timeout = timeout;
    }

    public String requestId() {
        return requestId;
    }

    public Duration timeout() {
        return timeout;
    }
}

package ca.metered.realtime.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of one {@link SignallingClient#publish(String, Object, PublishOptions)}: an idempotency
 * key (an rms extension, docs/protocol.md 9) and how long the client keeps retrying.
 *
 * <p>The key makes the publish idempotent on the server: within the app's
 * {@code idempotencyWindow} (default 5 minutes) a repeat with the same key on the same channel is
 * acked with the first result and delivered to nobody. {@code null} means one is generated for this
 * call (a random UUID). The same key goes with every retry of the call, so a publish whose ack was
 * lost (the connection dropped, the ack timed out, the server answered {@code backend_error}) is
 * re-sent after the next welcome and delivered once. Keep {@code retryFor} below the window.
 *
 * @param idempotencyKey 1–128 characters, or {@code null} for a generated one
 * @param retryFor       how long after the call a failed attempt is retried; {@link Duration#ZERO}: never
 */
public record PublishOptions(String idempotencyKey, Duration retryFor) {
    /** The longest key the server accepts. */
    public static final int MAX_KEY_LENGTH = 128;

    public PublishOptions {
        Objects.requireNonNull(retryFor, "retryFor");
        if (retryFor.isNegative()) {
            throw new IllegalArgumentException("retryFor must not be negative");
        }
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_KEY_LENGTH)) {
            throw new IllegalArgumentException("idempotencyKey must have 1-" + MAX_KEY_LENGTH + " characters");
        }
    }

    /** A generated key, retried for up to one minute. */
    public static PublishOptions idempotent() {
        return new PublishOptions(null, Duration.ofMinutes(1));
    }

    /** Your own key (an id your application already has for the message), retried for one minute. */
    public static PublishOptions withKey(String idempotencyKey) {
        return new PublishOptions(Objects.requireNonNull(idempotencyKey, "idempotencyKey"), Duration.ofMinutes(1));
    }

    /** The same key, retried for {@code d}. */
    public PublishOptions retryFor(Duration d) {
        return new PublishOptions(idempotencyKey, d);
    }
}

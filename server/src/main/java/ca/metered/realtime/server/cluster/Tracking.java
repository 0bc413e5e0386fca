package ca.metered.realtime.server.cluster;

import ca.metered.realtime.server.history.Retention;
import java.time.Duration;
import java.util.Objects;

/**
 * What a publish asks of the backplane beyond fan-out (docs/protocol.md 9): keep the message in the
 * channel's history, and/or deliver it once per idempotency key within a window. Both are
 * decided atomically with the fan-out, cluster-wide.
 *
 * <p>Immutable; thread-safe.
 *
 * @param retention      the channel's history, or {@code null} when it keeps none
 * @param idempotencyKey the publish's key, or {@code null}
 * @param window         how long a key is remembered (the app's {@code idempotencyWindow})
 */
public record Tracking(Retention retention, String idempotencyKey, Duration window) {
    public Tracking {
        Objects.requireNonNull(window, "window");
        if (retention == null && idempotencyKey == null) {
            throw new IllegalArgumentException("nothing to track: use Broker.publish(Publication)");
        }
    }
}

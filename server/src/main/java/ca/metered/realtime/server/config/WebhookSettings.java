package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The top-level {@code webhooks} section: how every app's webhooks are delivered
 * (docs/webhooks.md, docs/configuration.md). The endpoints themselves are per app
 * ({@link WebhookConfig}).
 *
 * <p>Immutable; thread-safe.
 *
 * @param flapGrace     a {@code channel.vacated} or {@code presence.left} waits this long and is
 *                      dropped, together with the {@code channel.occupied} / {@code presence.joined}
 *                      that undoes it, when that comes within it; 0 sends both; default 3 s
 * @param timeout       the longest one request may take, connect to last byte; default 5 s
 * @param maxAttempts   attempts per batch before it is given up (counted and logged); default 10
 * @param retryMinDelay the delay before the first retry; doubled per attempt, with jitter; default 1 s
 * @param retryMaxDelay the longest delay between two attempts (a longer {@code Retry-After} is
 *                      capped at 1 h, not at this); default 5 min
 * @param queueSize     events waiting per endpoint; more are dropped, counted and logged; default 10,000
 * @param batchSize     the most events in one POST; default 100
 * @param batchDelay    how long the first event of a burst waits for others to join its POST; default 50 ms
 */
public record WebhookSettings(Duration flapGrace, Duration timeout, int maxAttempts, Duration retryMinDelay,
                              Duration retryMaxDelay, int queueSize, int batchSize, Duration batchDelay) {
    public static final Duration DEFAULT_FLAP_GRACE = Duration.ofSeconds(3);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_RETRY_MIN_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofMinutes(5);
    public static final int DEFAULT_QUEUE_SIZE = 10_000;
    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final Duration DEFAULT_BATCH_DELAY = Duration.ofMillis(50);

    public WebhookSettings {
        Objects.requireNonNull(flapGrace, "flapGrace");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retryMinDelay, "retryMinDelay");
        Objects.requireNonNull(retryMaxDelay, "retryMaxDelay");
        Objects.requireNonNull(batchDelay, "batchDelay");
        if (maxAttempts < 1 || queueSize < 1 || batchSize < 1) {
            throw new IllegalArgumentException("maxAttempts, queueSize and batchSize must be > 0");
        }
    }

    public static WebhookSettings defaults() {
        return new WebhookSettings(DEFAULT_FLAP_GRACE, DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MIN_DELAY,
                DEFAULT_RETRY_MAX_DELAY, DEFAULT_QUEUE_SIZE, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_DELAY);
    }
}

package ca.metered.realtime.server.webhook;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The delay before a retry: exponential from {@code min}, doubled per failed attempt, capped at
 * {@code max}, with "equal jitter" (half fixed, half random) so that endpoints that failed
 * together do not retry together, yet the delay still grows with each attempt.
 *
 * <p>Thread-safe when the random generator is (each endpoint's sender calls it under its lock).
 */
final class Backoff {
    private final Duration min;
    private final Duration max;
    private final RandomGenerator random;

    Backoff(Duration min, Duration max, RandomGenerator random) {
        this.min = min;
        this.max = max;
        this.random = random;
    }

    /** The delay after the {@code failures}-th failed attempt of a batch (1 for the first). */
    Duration after(int failures) {
        long minNanos = min.toNanos();
        long maxNanos = max.toNanos();
        int doublings = Math.min(Math.max(failures - 1, 0), 62);
        long base = minNanos > (maxNanos >> doublings) ? maxNanos : Math.min(maxNanos, minNanos << doublings);
        long half = base / 2;
        return Duration.ofNanos(base - half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }
}

package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ReconnectOptions;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delay of sdk.md 7.3: {@code min(initial · multiplier^(n-1), max)}, lifted to a floor
 * (30 s after a 4010 close), then ± {@code jitterRatio}, floored to whole ms and ≥ 0.
 * Stateless apart from the injected randomness.
 */
public final class Backoff {
    /** Minimum delay after close code 4010 (over concurrent limit). */
    public static final long SLOW_FLOOR_MS = 30_000;

    private final ReconnectOptions options;
    private final DoubleSupplier random;

    public Backoff(ReconnectOptions options, DoubleSupplier random) {
        this.options = options;
        this.random = random;
    }

    /** @param attempt 1-based attempt number; @param floorMs 0 or {@link #SLOW_FLOOR_MS} */
    public long delayMs(int attempt, long floorMs) {
        int exponent = Math.max(0, attempt - 1);
        double base = Math.min(options.initialDelay().toMillis() * Math.pow(options.multiplier(), exponent),
                options.maxDelay().toMillis());
        double lifted = Math.max(base, floorMs);
        double delta = lifted * options.jitterRatio() * (random.getAsDouble() * 2 - 1);
        return Math.max(0, (long) Math.floor(lifted + delta));
    }
}

package ca.metered.realtime.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Backoff of automatic reconnects. The delay before attempt {@code n} (1-based) is
 * {@code min(initialDelay · multiplier^(n-1), maxDelay)}, raised to at least 30 s after a 4010
 * close, then moved by a uniform ±{@code jitterRatio}. Each successful welcome resets {@code n}.
 * After {@code maxAttempts} consecutive failures the client goes to {@code closed} and fires a
 * final {@code disconnected{willReconnect=false}}.
 *
 * <p>Immutable; thread-safe. Defaults: 500 ms, ×2, 30 s, 0.2, 100 attempts (about 50 minutes).
 */
public final class ReconnectOptions {
    /** {@code maxAttempts} value meaning "retry forever" (daemons, devices). */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private static final ReconnectOptions DEFAULTS = builder().build();

    private final Duration initialDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final double jitterRatio;
    private final int maxAttempts;

    private ReconnectOptions(Builder b) {
        this.initialDelay = b.initialDelay;
        this.multiplier = b.multiplier;
        this.maxDelay = b.maxDelay;
        this.jitterRatio = b.jitterRatio;
        this.maxAttempts = b.maxAttempts;
    }

    public static ReconnectOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().initialDelay(initialDelay).multiplier(multiplier).maxDelay(maxDelay)
                .jitterRatio(jitterRatio).maxAttempts(maxAttempts);
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public double jitterRatio() {
        return jitterRatio;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    @Override
    public String toString() {
        return "ReconnectOptions[initialDelay=" + initialDelay + ", multiplier=" + multiplier + ", maxDelay="
                + maxDelay + ", jitterRatio=" + jitterRatio + ", maxAttempts="
                + (maxAttempts == UNLIMITED ? "unlimited" : maxAttempts) + "]";
    }

    /** Mutable builder; not thread-safe. {@link #build()} validates. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofMillis(500);
        private double multiplier = 2;
        private Duration maxDelay = Duration.ofSeconds(30);
        private double jitterRatio = 0.2;
        private int maxAttempts = 100;

        private Builder() {
        }

        /** Delay before the first reconnect attempt; ≥ 0. */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay");
            return this;
        }

        /** Growth per attempt; ≥ 1 (1 gives a constant delay). */
        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        /** Cap of the exponential curve; ≥ 0. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
            return this;
        }

        /** Uniform jitter as a fraction of the delay, 0 to 1. */
        public Builder jitterRatio(double jitterRatio) {
            this.jitterRatio = jitterRatio;
            return this;
        }

        /** Consecutive failed attempts before giving up; ≥ 1, or {@link #UNLIMITED}. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder unlimitedAttempts() {
            return maxAttempts(UNLIMITED);
        }

        public ReconnectOptions build() {
            if (initialDelay.isNegative()) {
                throw new IllegalArgumentException("reconnect.initialDelay must be >= 0, got " + initialDelay);
            }
            if (!Double.isFinite(multiplier) || multiplier < 1) {
                throw new IllegalArgumentException(
                        "reconnect.multiplier must be a finite number >= 1 (use 1 for a constant delay), got " + multiplier);
            }
            if (maxDelay.isNegative()) {
                throw new IllegalArgumentException("reconnect.maxDelay must be >= 0, got " + maxDelay);
            }
            if (!Double.isFinite(jitterRatio) || jitterRatio < 0 || jitterRatio > 1) {
                throw new IllegalArgumentException("reconnect.jitterRatio must be between 0 and 1, got " + jitterRatio);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException(
                        "reconnect.maxAttempts must be >= 1 (or ReconnectOptions.UNLIMITED), got " + maxAttempts);
            }
            return new ReconnectOptions(this);
        }
    }
}

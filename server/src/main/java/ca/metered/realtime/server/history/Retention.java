package ca.metered.realtime.server.history;

import ca.metered.realtime.server.config.HistoryConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How much of a channel's history is kept: the last {@code size} messages, each for at most
 * {@code ttl}; an idle channel's position (epoch and offset) is kept for {@code ttl} after its
 * last publish or read.
 *
 * <p>Immutable; thread-safe.
 */
public record Retention(int size, Duration ttl) {
    public Retention {
        if (size < 1) {
            throw new IllegalArgumentException("size must be > 0");
        }
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms");
        }
    }

    public static Retention of(HistoryConfig config) {
        return new Retention(config.size(), config.ttl());
    }

    long ttlMillis() {
        return ttl.toMillis();
    }
}

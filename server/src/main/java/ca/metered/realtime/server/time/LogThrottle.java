package ca.metered.realtime.server.time;

import java.util.function.LongSupplier;

/**
 * At most one log line per period for a failure that can repeat thousands of times a second
 * (accept failing with EMFILE, every publish failing while Redis is down): the first is logged at
 * once, later ones only once the period has passed, with how many were skipped meanwhile.
 *
 * <p>Thread-safe.
 */
public final class LogThrottle {
    private final long periodNanos;
    private final LongSupplier nanoTime;
    private boolean loggedOnce;
    private long lastLogged;
    private long skipped;

    public LogThrottle(long periodNanos, LongSupplier nanoTime) {
        this.periodNanos = periodNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * One more occurrence: {@code -1} when it is not to be logged (counted as skipped), else how
     * many were skipped since the last line — the caller logs now.
     */
    public synchronized long occurred() {
        long now = nanoTime.getAsLong();
        if (loggedOnce && now - lastLogged < periodNanos) {
            skipped++;
            return -1;
        }
        loggedOnce = true;
        lastLogged = now;
        long n = skipped;
        skipped = 0;
        return n;
    }
}

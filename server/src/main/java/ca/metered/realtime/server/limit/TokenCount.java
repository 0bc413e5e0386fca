package ca.metered.realtime.server.limit;

/**
 * The changing half of a token bucket: the tokens left and when they were last refilled, refilled
 * lazily on each take, so it costs nothing between takes and needs no timer. The rate and the
 * capacity come from the subclass: fixed fields of its own ({@link TokenBucket}), or the limits
 * a per-connection limiter shares with every connection of its app — two doubles less per
 * connection (docs/performance.md, "Idle connections").
 *
 * <p>Not thread-safe: owned by one connection's event loop, or guarded by its owner.
 */
public abstract class TokenCount {
    private double tokens;
    private long lastNanos;

    /** Full: {@code capacity} tokens at {@code nowNanos}. */
    protected TokenCount(double capacity, long nowNanos) {
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** How many tokens it holds at most (the burst). */
    protected abstract double capacity();

    /** How many tokens come back per nanosecond. */
    protected abstract double tokensPerNano();

    /** Takes one token if there is one; returns whether it did. */
    public final boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity(), tokens + elapsed * tokensPerNano());
            lastNanos = nowNanos;
        }
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return true;
        }
        return false;
    }
}

package ca.metered.realtime.server.limit;

/**
 * A token bucket, for the per-connection message rate (docs/protocol.md 4, code 4011) and the REST
 * rate per secret key: holds up to {@code burst} tokens and refills {@code ratePerSecond} per
 * second. Two longs and a double, refilled lazily on each take, so it costs nothing between
 * frames and needs no timer.
 *
 * <p>Not final: the per-connection limiter is a bucket itself rather than holding one, one
 * object fewer per connection (docs/performance.md, "Idle connections").
 *
 * <p>Not thread-safe: owned by one connection's event loop, or guarded by its owner.
 */
public class TokenBucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private long lastNanos;

    public TokenBucket(int ratePerSecond, int burst, long nowNanos) {
        this.capacity = burst;
        this.perNano = ratePerSecond / 1_000_000_000.0;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes one token if there is one; returns whether it did. */
    public final boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            lastNanos = nowNanos;
        }
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return true;
        }
        return false;
    }
}

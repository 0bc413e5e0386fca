package ca.metered.realtime.server.limit;

/**
 * A token bucket with a rate and a capacity of its own, for the REST rate per secret key: holds
 * up to {@code burst} tokens and refills {@code ratePerSecond} per second ({@link TokenCount}).
 *
 * <p>Not thread-safe: guarded by its owner.
 */
public final class TokenBucket extends TokenCount {
    private final double capacity;
    private final double perNano;

    public TokenBucket(int ratePerSecond, int burst, long nowNanos) {
        super(burst, nowNanos);
        this.capacity = burst;
        this.perNano = ratePerSecond / 1_000_000_000.0;
    }

    @Override
    protected double capacity() {
        return capacity;
    }

    @Override
    protected double tokensPerNano() {
        return perNano;
    }
}

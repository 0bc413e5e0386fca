package ca.metered.realtime.server.limit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (for REST: per secret key id, docs/protocol.md 7 [ours]). Keys come from
 * configuration, so the map is bounded by it.
 *
 * <p>Thread-safe: each bucket is taken under its own lock, held only here.
 */
public final class KeyedRateLimiter {
    private final int ratePerSecond;
    private final int burst;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public KeyedRateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /** Takes one token from {@code key}'s bucket; returns whether there was one. */
    public boolean tryAcquire(String key) {
        TokenBucket bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(ratePerSecond, burst, nanoTime.getAsLong()));
        synchronized (bucket) {
            return bucket.tryTake(nanoTime.getAsLong());
        }
    }
}

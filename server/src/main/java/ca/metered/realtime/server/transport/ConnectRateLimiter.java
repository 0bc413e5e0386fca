package ca.metered.realtime.server.transport;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Connection attempts per source address (docs/protocol.md 5: 60 per 60 s → HTTP 429), counted in
 * fixed windows. Entries of finished windows are purged as the map grows, so a scan from many
 * addresses cannot grow it without bound.
 *
 * <p>Thread-safe.
 */
public final class ConnectRateLimiter {
    private static final int PURGE_THRESHOLD = 10_000;

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public ConnectRateLimiter(int limit, long windowNanos, LongSupplier nanoTime) {
        this.limit = limit;
        this.windowNanos = windowNanos;
        this.nanoTime = nanoTime;
    }

    /** Counts an attempt from {@code key}; returns whether it is within the limit. */
    public boolean tryAcquire(String key) {
        long now = nanoTime.getAsLong();
        if (windows.size() > PURGE_THRESHOLD) {
            purge(now);
        }
        Window w = windows.compute(key, (k, old) -> {
            if (old == null || now - old.start >= windowNanos) {
                return new Window(now, 1);
            }
            old.count++;
            return old;
        });
        return w.count <= limit;
    }

    private void purge(long now) {
        for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue().start >= windowNanos) {
                it.remove();
            }
        }
    }

    private static final class Window {
        final long start;
        int count;

        Window(long start, int count) {
            this.start = start;
            this.count = count;
        }
    }
}

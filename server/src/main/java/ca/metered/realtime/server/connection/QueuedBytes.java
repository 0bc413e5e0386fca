package ca.metered.realtime.server.connection;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the live connections hold in their outbound queues: the total and the largest single
 * queue, for the {@code rms_outbound_queue_bytes} / {@code _max_bytes} gauges and the dashboard.
 *
 * @param total bytes queued for all connections and not yet written to their sockets
 * @param max the largest single connection's queue
 */
public record QueuedBytes(long total, long max) {

    /**
     * The figures of one walk, reused for {@code maxAge} so that the two gauges of one scrape (and
     * the dashboard's feed) walk the connections once. Each walk reads a field that every
     * connection's event loop writes, a cache miss per connection: with tens of thousands of
     * connections two walks per scrape showed in the server's profile.
     *
     * <p>Thread-safe: any thread may call {@link #get()}; two callers racing on an expired value
     * may both walk, which is harmless.
     */
    public static final class Cached implements Supplier<QueuedBytes> {
        private final Supplier<QueuedBytes> walk;
        private final LongSupplier nanoTime;
        private final long maxAgeNanos;
        private volatile QueuedBytes last;
        private volatile long takenAt;

        public Cached(Supplier<QueuedBytes> walk, LongSupplier nanoTime, long maxAgeNanos) {
            this.walk = walk;
            this.nanoTime = nanoTime;
            this.maxAgeNanos = maxAgeNanos;
        }

        @Override
        public QueuedBytes get() {
            long now = nanoTime.getAsLong();
            QueuedBytes q = last;
            if (q == null || now - takenAt >= maxAgeNanos) {
                q = walk.get();
                takenAt = now;
                last = q;
            }
            return q;
        }
    }
}

package ca.metered.realtime.server.session;

import ca.metered.realtime.server.metrics.Metric;
import ca.metered.realtime.server.metrics.NodeMetrics;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's ceiling on outbound bytes handed to Netty and not yet written to a socket
 * ({@code server.directMemoryBytes}): with the epoll transport every such byte sits in a direct
 * (off-heap) buffer, so this is what bounds the server's off-heap memory under fan-out.
 *
 * <p>An {@link OutboundQueue} takes from the budget before it hands Netty a frame and gives the
 * bytes back when the write completes (written, or failed with the connection). When the budget
 * is spent, the frame waits in the queue's own heap FIFO (capped per connection by
 * {@code outboundBufferBytes}) until bytes come back, and the connection holding the most
 * unwritten bytes in Netty — the slowest consumer — is shed with 1008 {@code slow consumer}
 * (docs/protocol.md 4), its queued frames discarded. So a burst that would exceed the ceiling sheds
 * the slowest consumers rather than growing, and the memory is given back when they are gone.
 * A shed connection's bytes stop counting at once, so the others need not wait for its close:
 * for the close's write deadline (5 s) each shed connection may still hold what Netty had for
 * it (at most the write-buffer high-water mark and one frame) beyond the ceiling.
 *
 * <p>Thread-safe: taken and given from every event loop.
 */
public final class OutboundBudget {
    /** A budget that never refuses (tests of a single queue). */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private final long limit;
    private final AtomicLong used = new AtomicLong();
    /** Raised without a lock (a lost race only under-reports); read by tests and operators. */
    private volatile long peak;
    /**
     * The queues a flush left holding bytes in Netty (their socket was full): the only ones that
     * can be the slowest consumer. Not every queue: an idle connection, or one whose writes
     * complete as they are flushed, is not here — one map entry less per connection
     * (docs/performance.md, "Idle connections").
     */
    private final Set<OutboundQueue> holding = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<OutboundQueue> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean shedding = new AtomicBoolean();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong lastScan = new AtomicLong(System.nanoTime() - SCAN_INTERVAL_NANOS);
    /** At most one scan of every connection per interval, however many drains find the budget spent. */
    private static final long SCAN_INTERVAL_NANOS = 1_000_000;

    public OutboundBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive");
        }
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** Bytes handed to Netty and not yet written, over every connection. */
    public long used() {
        return used.get();
    }

    /** The most {@link #used} has been. */
    public long peak() {
        return peak;
    }

    /** Connections shed so far because the budget was spent. */
    public long shedCount() {
        return shed.get();
    }

    /** Exposes the budget in {@code /metrics}: its use, peak and limit, and the connections shed. */
    public void register(NodeMetrics metrics) {
        metrics.gauge(Metric.OUTBOUND_OFFHEAP_BYTES, this, OutboundBudget::used);
        metrics.gauge(Metric.OUTBOUND_OFFHEAP_PEAK_BYTES, this, OutboundBudget::peak);
        metrics.gauge(Metric.OUTBOUND_OFFHEAP_LIMIT_BYTES, this, OutboundBudget::limit);
        metrics.counter(Metric.OUTBOUND_OFFHEAP_SHEDS, this, OutboundBudget::shedCount);
    }

    /** {@code q} holds bytes in Netty after a flush: a candidate for shedding. */
    void holding(OutboundQueue q) {
        holding.add(q);
    }

    /** {@code q}'s bytes in Netty are all written. */
    void notHolding(OutboundQueue q) {
        holding.remove(q);
    }

    /** {@code q}'s connection is gone. */
    void unregister(OutboundQueue q) {
        holding.remove(q);
        waiting.remove(q);
    }

    /**
     * Takes {@code n} bytes, or returns {@code false} when that would exceed the limit; then
     * {@code q} is woken (its drain rescheduled) once bytes come back, and the slowest consumer
     * is shed. A frame larger than the whole limit goes when nothing else is in flight.
     */
    boolean take(int n, OutboundQueue q) {
        // One atomic add per frame (every event loop takes from here): a take that went over is
        // undone. Meanwhile another may see the sum over and wait too, only ever near the limit.
        long after = used.addAndGet(n);
        if (after > limit && after > n) {
            used.addAndGet(-n);
            waiting.add(q);
            shedSlowest();
            // Bytes may have come back between the check and the registration: re-check.
            if (used.get() + n <= limit) {
                wake();
            }
            return false;
        }
        if (after > peak) {
            peak = after;
        }
        return true;
    }

    void give(long n) {
        used.addAndGet(-n);
        if (!waiting.isEmpty()) {
            wake();
        }
    }

    private void wake() {
        OutboundQueue q;
        while ((q = waiting.poll()) != null) {
            q.resume();
        }
    }

    /** Sheds the connection with the most bytes in Netty; one scan at a time, at most one a millisecond. */
    private void shedSlowest() {
        long last = lastScan.get();
        long now = System.nanoTime();
        if (now - last < SCAN_INTERVAL_NANOS || !lastScan.compareAndSet(last, now)
                || !shedding.compareAndSet(false, true)) {
            return;
        }
        try {
            OutboundQueue slowest = null;
            long most = 0;
            for (OutboundQueue q : holding) {
                long b = q.bytesInNetty();
                if (b > most && !q.isClosing()) {
                    most = b;
                    slowest = q;
                }
            }
            if (slowest != null && slowest.shed()) {
                shed.incrementAndGet();
            }
        } finally {
            shedding.set(false);
        }
    }
}

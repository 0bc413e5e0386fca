package ca.metered.realtime.server.webhook;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The counters of one endpoint on this node, for metrics and the admin dashboard: what it was
 * sent, what failed, what was given up or did not fit its queue. Counters only grow; the queue
 * depth is read live.
 *
 * <p>Thread-safe.
 */
public final class EndpointStats {
    private final String appId;
    private final String url;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicReference<String> lastProblem = new AtomicReference<>();
    private volatile int queueDepth;

    EndpointStats(String appId, String url) {
        this.appId = appId;
        this.url = url;
    }

    public String appId() {
        return appId;
    }

    public String url() {
        return url;
    }

    /** Events delivered (answered 2xx). */
    public long delivered() {
        return delivered.get();
    }

    /** POSTs sent, retries included. */
    public long requests() {
        return requests.get();
    }

    /** POSTs that failed (no answer, or not 2xx). */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    /** Events given up after the last attempt failed. */
    public long gaveUp() {
        return gaveUp.get();
    }

    /** Events dropped because the endpoint's queue was full. */
    public long overflowed() {
        return overflowed.get();
    }

    /** Events waiting or in the POST on its way, now. */
    public int queueDepth() {
        return queueDepth;
    }

    /** The last failure ("HTTP 500", "no answer within 5000 ms"), or null when none yet. */
    public String lastProblem() {
        return lastProblem.get();
    }

    void sent() {
        requests.incrementAndGet();
    }

    void delivered(int events) {
        delivered.addAndGet(events);
    }

    void failed(String problem) {
        failedAttempts.incrementAndGet();
        lastProblem.set(problem);
    }

    void gaveUp(int events) {
        gaveUp.addAndGet(events);
    }

    void overflow() {
        overflowed.incrementAndGet();
    }

    void depth(int depth) {
        queueDepth = depth;
    }
}

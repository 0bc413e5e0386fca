package ca.metered.realtime.server.pubsub;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The WARN line for commands the backplane could not take (Redis down, or its command queue
 * full): at most one every {@link #EVERY_NANOS}, with how many were not logged since. A Redis
 * outage or an overload fails every publish in flight; one line per message would bury the
 * log (and cost more than the failure) exactly when an operator reads it. Clients still get
 * {@code backend_error} for each.
 *
 * <p>Thread-safe: failures are reported from any thread.
 */
final class BackendErrorLog {
    static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final LongSupplier nanoTime;
    private boolean loggedOnce;
    private long lastLogged;
    private long suppressed;

    BackendErrorLog(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
    }

    void failed(String peerId, Throwable err) {
        long skipped;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (loggedOnce && now - lastLogged < EVERY_NANOS) {
                suppressed++;
                return;
            }
            loggedOnce = true;
            lastLogged = now;
            skipped = suppressed;
            suppressed = 0;
        }
        if (skipped == 0) {
            log.warn("backplane unavailable for peer {}: {}", peerId, err.toString());
        } else {
            log.warn("backplane unavailable for peer {}: {} ({} more failures in the last {} s not logged)", peerId,
                    err.toString(), skipped, TimeUnit.NANOSECONDS.toSeconds(EVERY_NANOS));
        }
    }
}

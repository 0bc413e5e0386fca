package ca.metered.realtime.server.cluster;

/**
 * Counters behind the per-app limits that span the cluster: concurrent connections (4010) and
 * the message quota ({@code over_message_quota}), plus what {@code GET /v1/usage} reports.
 * The period is the calendar month in UTC.
 *
 * <p>Implementations are thread-safe and must not block the calling event loop for long:
 * a remote implementation answers from a local cache and reconciles in the background.
 */
public interface UsageStore {

    /** Counts a new connection unless {@code max} are already open; returns whether it may open. */
    boolean tryOpenConnection(String appId, int max);

    /** Un-counts a connection opened with {@link #tryOpenConnection}. */
    void closeConnection(String appId);

    /**
     * Counts one message (publish or send) attempt; returns whether it is within the quota.
     * Attempts over the quota are counted too (protocol.md 7: {@code messagesUsed}).
     *
     * @param max messages per period, {@code 0} for unlimited
     */
    boolean countMessage(String appId, long max);

    /** The app's counters now. */
    Usage usage(String appId);

    /** Counters of one app for the current period. */
    record Usage(long periodStartUnix, long periodEndUnix, long concurrentNow, long peakConcurrent,
                 long messagesUsed) {
    }
}

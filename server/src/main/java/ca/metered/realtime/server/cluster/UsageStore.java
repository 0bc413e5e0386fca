package ca.metered.realtime.server.cluster;

import java.util.concurrent.CompletionStage;

/**
 * Counters behind the per-app limits that span the cluster: concurrent connections (4010) and
 * the message quota ({@code over_message_quota}), plus what {@code GET /v1/usage} reports and
 * the per-peer connection counts a kick reports. The period is the calendar month in UTC.
 *
 * <p>Implementations are thread-safe and never block the caller; stages may complete on any
 * thread.
 */
public interface UsageStore {

    /** Counts a new connection of {@code peerId} unless {@code max} are already open; completes with whether it may open. */
    CompletionStage<Boolean> tryOpenConnection(String appId, String peerId, int max);

    /** Un-counts a connection opened with {@link #tryOpenConnection}; completes once counted. */
    CompletionStage<Void> closeConnection(String appId, String peerId);

    /**
     * Counts one message (publish or send) attempt; completes with whether it is within the
     * quota. Attempts over the quota are counted too (docs/protocol.md 7: {@code messagesUsed}).
     *
     * <p>Unlimited ({@code max} 0), nothing waits on the count, and a backplane may write it
     * together with what this node hands it next: it is then part of {@link #usage} on this node
     * at once, and on every node once anything this node handed the backplane afterwards (the
     * publish it counts) has been acknowledged.
     *
     * @param max messages per period, {@code 0} for unlimited
     */
    CompletionStage<Boolean> countMessage(String appId, long max);

    /** The app's counters now. */
    CompletionStage<Usage> usage(String appId);

    /** Live connections of one peer over the cluster. */
    CompletionStage<Long> connectionsOf(String appId, String peerId);

    /** Counters of one app for the current period. */
    record Usage(long periodStartUnix, long periodEndUnix, long concurrentNow, long peakConcurrent,
                 long messagesUsed) {
    }
}

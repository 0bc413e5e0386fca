package ca.metered.realtime.server.history;

import ca.metered.realtime.protocol.frame.StreamPosition;

/**
 * What a read asks of a channel's history.
 *
 * <p>Immutable; thread-safe.
 *
 * @param since    read the oldest messages after this position; {@code null}: the newest
 * @param limit    at most this many messages, {@code >= 0} ({@code 0}: only the position)
 * @param maxBytes stop before the messages' frames would take more than this (by
 *                 {@link HistoryEntry#weight}); the first message is always included
 */
public record HistoryQuery(StreamPosition since, int limit, long maxBytes) {
    public HistoryQuery {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0");
        }
    }

    /** The channel's position only. */
    public static HistoryQuery positionOnly() {
        return new HistoryQuery(null, 0, 0);
    }

    /**
     * Everything after {@code since} that the retention can hold, for a recovery: complete only
     * if it reaches the channel's current offset within {@code maxBytes}.
     */
    public static HistoryQuery recovery(StreamPosition since, Retention retention, long maxBytes) {
        return new HistoryQuery(since, retention.size(), maxBytes);
    }
}

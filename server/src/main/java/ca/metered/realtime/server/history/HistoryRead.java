package ca.metered.realtime.server.history;

import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.List;
import java.util.Objects;

/**
 * What a read of a channel's history answered. Both kinds carry the channel's position at the
 * moment of the read.
 *
 * <p>Immutable; thread-safe.
 */
public sealed interface HistoryRead permits HistoryRead.Page, HistoryRead.Unavailable {

    /** The channel's position when the read ran: its epoch, and the offset of its newest message. */
    StreamPosition position();

    /**
     * Whether this read recovers a client that saw everything up to the query's {@code since}:
     * every message after it, up to the current offset, is in {@link Page#entries}, in order.
     * A partial page is never a recovery (docs/protocol.md 9: never a partial replay presented as
     * complete).
     */
    default boolean recovered() {
        return this instanceof Page p && p.reachesTop();
    }

    /**
     * Messages in offset order, without gaps.
     *
     * @param reachesTop the last entry is the channel's newest message (or there is none after
     *                   {@code since}): nothing was left out at the new end
     */
    record Page(StreamPosition position, List<HistoryEntry> entries, boolean reachesTop) implements HistoryRead {
        public Page {
            Objects.requireNonNull(position, "position");
            entries = List.copyOf(entries);
        }
    }

    /** The query's {@code since} cannot be served; the client must reload and start from {@link #position}. */
    record Unavailable(StreamPosition position, Reason reason) implements HistoryRead {
        public Unavailable {
            Objects.requireNonNull(position, "position");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a {@code since} cannot be served. */
    enum Reason {
        /** It names another epoch: the history it belongs to was lost. */
        EPOCH_CHANGED,
        /** Messages after it are no longer kept (over {@code size}, or older than {@code ttl}). */
        TOO_OLD,
        /** It is beyond the channel's current offset (a store that lost its newest writes). */
        AHEAD
    }
}

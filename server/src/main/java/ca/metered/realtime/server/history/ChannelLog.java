package ca.metered.realtime.server.history;

import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * One channel's history in memory, and the rules every store follows (docs/protocol.md 9):
 *
 * <ul>
 *   <li>offsets start at 1 in each epoch and grow by one per message, never reused;
 *   <li>the kept messages are contiguous: the newest {@code size}, none older than {@code ttl};
 *   <li>a read after {@code since} answers only from its epoch, and only if the message right
 *       after it is still kept ({@link HistoryRead.Reason});
 *   <li>a page is cut at {@code limit} messages and at the byte budget (the first message always
 *       fits), and says whether it reaches the channel's newest message.
 * </ul>
 *
 * <p>Not thread-safe: {@link InMemoryHistory} holds the log's monitor around every call. Times
 * are Unix milliseconds from the store's clock.
 */
final class ChannelLog {
    private final String epoch;
    private final int channelLength;
    private final ArrayDeque<HistoryEntry> entries = new ArrayDeque<>();
    private long top;
    private long touchedAt;
    private long ttlMillis;
    /** Set once the store dropped this log; a caller holding it must look the channel up again. */
    private boolean dropped;

    ChannelLog(String epoch, String channel, long now, Retention retention) {
        this.epoch = epoch;
        this.channelLength = channel.length();
        this.touchedAt = now;
        this.ttlMillis = retention.ttlMillis();
    }

    String epoch() {
        return epoch;
    }

    StreamPosition position() {
        return new StreamPosition(epoch, top);
    }

    /** Appends a message as the next offset. */
    HistoryEntry append(NewMessage m, long now, Retention retention) {
        HistoryEntry e = new HistoryEntry(++top, now, m.from(), m.data(), m.fromMetadata());
        entries.addLast(e);
        trim(now, retention);
        touchedAt = now;
        return e;
    }

    HistoryRead read(HistoryQuery q, long now, Retention retention) {
        trim(now, retention);
        touchedAt = now;
        StreamPosition here = position();
        if (q.since() == null) {
            return newest(q, here);
        }
        if (!q.since().epoch().equals(epoch)) {
            return new HistoryRead.Unavailable(here, HistoryRead.Reason.EPOCH_CHANGED);
        }
        long since = q.since().offset();
        if (since > top) {
            return new HistoryRead.Unavailable(here, HistoryRead.Reason.AHEAD);
        }
        if (since == top) {
            return new HistoryRead.Page(here, List.of(), true);
        }
        HistoryEntry oldest = entries.peekFirst();
        if (oldest == null || oldest.offset() > since + 1) {
            return new HistoryRead.Unavailable(here, HistoryRead.Reason.TOO_OLD);
        }
        List<HistoryEntry> out = new ArrayList<>();
        long bytes = 0;
        Iterator<HistoryEntry> it = entries.iterator();
        while (it.hasNext() && out.size() < q.limit()) {
            HistoryEntry e = it.next();
            if (e.offset() <= since) {
                continue;
            }
            bytes += e.weight(channelLength);
            if (!out.isEmpty() && bytes > q.maxBytes()) {
                break;
            }
            out.add(e);
        }
        boolean reachesTop = !out.isEmpty() && out.get(out.size() - 1).offset() == top;
        return new HistoryRead.Page(here, out, reachesTop);
    }

    /** The newest {@code limit} messages that fit the byte budget, oldest first. */
    private HistoryRead newest(HistoryQuery q, StreamPosition here) {
        List<HistoryEntry> out = new ArrayList<>();
        long bytes = 0;
        Iterator<HistoryEntry> it = entries.descendingIterator();
        while (it.hasNext() && out.size() < q.limit()) {
            HistoryEntry e = it.next();
            bytes += e.weight(channelLength);
            if (!out.isEmpty() && bytes > q.maxBytes()) {
                break;
            }
            out.add(e);
        }
        Collections.reverse(out);
        return new HistoryRead.Page(here, out, true);
    }

    /** Whether nobody published to or read the channel for its ttl: its history may go. */
    boolean idle(long now) {
        return now - touchedAt >= ttlMillis;
    }

    boolean dropped() {
        return dropped;
    }

    void drop() {
        dropped = true;
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    /** Drops what the retention no longer keeps: over the size, and at or past the ttl. */
    private void trim(long now, Retention retention) {
        ttlMillis = retention.ttlMillis();
        while (entries.size() > retention.size()) {
            entries.removeFirst();
        }
        long cutoff = now - ttlMillis;
        while (!entries.isEmpty() && entries.peekFirst().publishedAt() <= cutoff) {
            entries.removeFirst();
        }
    }
}

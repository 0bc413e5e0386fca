package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.protocol.ChannelNames;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last position seen on each channel subscribed with recovery (docs/protocol.md 9), and the rules
 * that turn the server's at-least-once recovery into exactly-once, in-order delivery to the app:
 * a message at or below the last offset is a duplicate; one past the next offset is a gap (the
 * client re-subscribes from its last position instead of delivering it); messages that arrive
 * while such a re-subscribe is unanswered are dropped (they come again in its replay). The
 * offsets of the client's own publishes (which the server does not echo to their connection) are
 * not gaps, and are dropped when a replay brings them.
 *
 * <p>Only exact channel names are tracked: a pattern subscription carries no position. Bounded by
 * the tracked subscriptions (one entry each) and, per channel, by the own offsets not yet passed.
 * Loop-confined.
 */
final class ChannelPositions {
    /** What to do with a positioned message. */
    enum Verdict { DELIVER, DROP, GAP }

    private static final int MAX_OWN_PER_CHANNEL = 10_000;

    private final Map<String, StreamPosition> last = new HashMap<>();
    private final Map<String, TreeSet<Long>> own = new HashMap<>();
    private final Set<String> awaiting = new HashSet<>();
    private final Set<String> newEpochs = new HashSet<>();

    /** Whether {@code channel} can be recovered at all (an exact name, not a pattern). */
    static boolean recoverable(String channel) {
        return !ChannelNames.isWildcard(channel);
    }

    /** The position to name in a recovering subscribe: the last seen, or {@link StreamPosition#START}. */
    StreamPosition recoverFrom(String channel) {
        return last.getOrDefault(channel, StreamPosition.START);
    }

    /** A recovering subscribe of {@code channel} is on its way: its live messages are dropped until the ack. */
    void subscribing(String channel) {
        awaiting.add(channel);
    }

    /** The subscribe failed or the connection closed: nothing is awaited any more. */
    void notAwaiting(String channel) {
        awaiting.remove(channel);
    }

    boolean isAwaiting(String channel) {
        return awaiting.contains(channel);
    }

    void clearAwaiting() {
        awaiting.clear();
    }

    /** The app unsubscribed: the position is forgotten (a later subscribe starts from now). */
    void forget(String channel) {
        last.remove(channel);
        own.remove(channel);
        awaiting.remove(channel);
        newEpochs.remove(channel);
    }

    /**
     * The ack of a recovering subscribe that named {@code asked}: where the channel continues, and
     * the event the app gets, or {@code null} when the server said nothing about recovery (a server
     * without the extension).
     */
    ClientEvent.Recovery acked(String channel, StreamPosition asked, Reply reply) {
        awaiting.remove(channel);
        boolean replaying = Boolean.TRUE.equals(reply.recovered()) && !asked.isStart();
        boolean otherEpoch = Boolean.FALSE.equals(reply.recovered()) && !asked.isStart() && reply.position() != null
                && !reply.position().epoch().equals(asked.epoch());
        if (replaying) {
            last.put(channel, asked); // the replay brings everything after it
        } else if (otherEpoch) {
            // The history was lost and a new epoch began: what it kept is still ours to have,
            // from its start (a second recovering subscribe, see takeNewEpoch).
            last.put(channel, new StreamPosition(reply.position().epoch(), 0));
            newEpochs.add(channel);
        } else if (reply.position() != null) {
            last.put(channel, reply.position());
        } else {
            last.remove(channel);
        }
        if (reply.recovered() == null) {
            return null;
        }
        return new ClientEvent.Recovery(channel, reply.recovered(), asked.isStart() ? null : asked, reply.position());
    }

    /**
     * Whether the last ack moved {@code channel} to a new epoch from its start: then the client
     * subscribes again from there, to get the new epoch's messages it missed. Clears the flag.
     */
    boolean takeNewEpoch(String channel) {
        return newEpochs.remove(channel);
    }

    /** A publish of this client was acked at {@code position}: it will not come back live. */
    void ownPublish(String channel, StreamPosition position) {
        StreamPosition seen = last.get(channel);
        if (position == null || seen == null || !seen.epoch().equals(position.epoch())
                || position.offset() <= seen.offset()) {
            return;
        }
        TreeSet<Long> offsets = own.computeIfAbsent(channel, c -> new TreeSet<>());
        offsets.add(position.offset());
        if (offsets.size() > MAX_OWN_PER_CHANNEL) {
            offsets.pollFirst();
        }
    }

    /** The verdict on a message of a channel subscribed with recovery; advances the position when delivered. */
    Verdict accept(ClientEvent.Message m) {
        StreamPosition p = m.position();
        String channel = m.channel();
        if (p == null || !recoverable(channel)) {
            return Verdict.DELIVER;
        }
        if (awaiting.contains(channel)) {
            return Verdict.DROP;
        }
        StreamPosition seen = last.get(channel);
        if (seen == null) {
            last.put(channel, p);
            return Verdict.DELIVER;
        }
        if (!seen.epoch().equals(p.epoch())) {
            return Verdict.GAP; // the history was lost: the recovering subscribe says so plainly
        }
        if (p.offset() <= seen.offset()) {
            return Verdict.DROP;
        }
        TreeSet<Long> mine = own.get(channel);
        long next = seen.offset() + 1;
        while (mine != null && mine.contains(next) && next < p.offset()) {
            next++;
        }
        if (p.offset() > next) {
            return Verdict.GAP;
        }
        last.put(channel, p);
        boolean isOwn = mine != null && mine.contains(p.offset());
        if (mine != null) {
            mine.headSet(p.offset(), true).clear();
            if (mine.isEmpty()) {
                own.remove(channel);
            }
        }
        return isOwn ? Verdict.DROP : Verdict.DELIVER;
    }
}

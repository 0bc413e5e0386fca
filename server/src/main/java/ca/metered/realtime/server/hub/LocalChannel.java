package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.cluster.PresenceDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One concrete channel on this node: its local subscriptions. Presence is decided by the
 * backplane's {@code PresenceStore}; this class only fans the decided deltas out, gathered for
 * one {@link PresenceWindow} into a {@link PresenceBatch} (docs/protocol.md 2.3).
 *
 * <p>A channel with deltas waiting is in its app's {@code withPendingPresence} set from the
 * first waiting delta until the batch has been handed to every subscriber; whoever delivers a
 * message or a direct first {@link #flushPresence flushes} the channels in that set, so that no
 * {@code joined} is overtaken by a later message of that peer (the set is left only at the end
 * of a flush, under the presence lock, so a concurrent flush is waited for, not skipped).
 *
 * <p>On a channel with history it also remembers the position of the last message this node
 * received (docs/protocol.md 9), to notice when the node missed some: a jump in the offsets, or, after
 * the backplane re-established the channel's traffic, a channel that moved on meanwhile. Then
 * the subscriptions that asked for recovery get a {@code resubscribe} hint before anything newer.
 *
 * <p>Thread-safe. Fan-out reads the map without a lock; presence batches are handed out under
 * the channel's presence lock (never held while taking another channel's).
 */
final class LocalChannel {
    /** A window's batch is flushed early when it reaches this many deltas (bounds its memory). */
    static final int MAX_BATCH = 1024;

    private final String name;
    private final PresenceWindow window;
    private final Set<LocalChannel> withPendingPresence;
    /** Changed only through {@link #add} and {@link #remove}, under the channel's lock ({@code this}). */
    final ConcurrentHashMap<Subscriber, Subscription> subscriptions = new ConcurrentHashMap<>();
    /**
     * {@link #subscriptions} as an array for the fan-out loop — iterating a ConcurrentHashMap
     * walks its whole table, a cost per message — rebuilt on the first message after a change.
     */
    private volatile Subscription[] fanout;
    private final Object presenceLock = new Object();
    /** Guarded by {@code presenceLock}. */
    private List<PresenceDelta> pending = new ArrayList<>();
    /** Guarded by {@code presenceLock}. */
    private boolean flushScheduled;
    /** The last position received over the backplane's exact route; guarded by {@code this}. */
    private StreamPosition lastSeen;

    /** The channel's name: the one String every subscription to it shares. */
    String name() {
        return name;
    }

    LocalChannel(String name, PresenceWindow window, Set<LocalChannel> withPendingPresence) {
        this.name = name;
        this.window = window;
        this.withPendingPresence = withPendingPresence;
    }

    boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    /** Adds a connection's subscription; under the channel's lock. */
    void add(Subscriber s, Subscription sub) {
        subscriptions.put(s, sub);
        fanout = null;
    }

    /** Removes a connection's subscription, if any; under the channel's lock. */
    Subscription remove(Subscriber s) {
        Subscription sub = subscriptions.remove(s);
        if (sub != null) {
            fanout = null;
        }
        return sub;
    }

    /**
     * The subscriptions now, for one message's fan-out. Weakly consistent like the map's own
     * iteration: a subscription added or removed meanwhile may or may not be in it. Rebuilt under
     * the lock that changes take, so a rebuild never stores an array older than a change.
     */
    Subscription[] fanout() {
        Subscription[] a = fanout;
        if (a == null) {
            synchronized (this) {
                a = fanout;
                if (a == null) {
                    a = subscriptions.values().toArray(new Subscription[0]);
                    fanout = a;
                }
            }
        }
        return a;
    }

    /** The encoded {@code resubscribe} hint for a channel (docs/protocol.md 9). */
    static byte[] hint(String channel) {
        return FrameCodec.encode(new ServerFrame.Resubscribe(channel));
    }

    /**
     * Records a message's position as the channel's newest here; returns whether messages before
     * it were missed: an offset jump, or a new epoch that does not start at 1 (a new epoch at 1 is
     * a history that expired while idle, or was lost with nothing in flight: nothing to recover).
     */
    synchronized boolean received(StreamPosition p) {
        StreamPosition before = lastSeen;
        if (before != null && p.epoch().equals(before.epoch()) && p.offset() <= before.offset()) {
            return false; // older than what was seen: never moves the position back
        }
        lastSeen = p;
        if (before == null) {
            return false;
        }
        return p.epoch().equals(before.epoch()) ? p.offset() > before.offset() + 1 : p.offset() != 1;
    }

    /** Whether this node has received positioned messages here: then it can tell a gap. */
    synchronized boolean tracksPosition() {
        return lastSeen != null;
    }

    /**
     * Whether {@code current} (read from the history after a backplane reconnect) is past the last
     * message received: then messages were missed. Moves the position to it.
     */
    synchronized boolean behind(StreamPosition current) {
        StreamPosition before = lastSeen;
        if (before == null) {
            return false;
        }
        boolean missed = !current.epoch().equals(before.epoch()) || current.offset() > before.offset();
        if (missed) {
            lastSeen = current;
        }
        return missed;
    }

    /** Hints every subscription that asked for recovery to recover (held ones after their ack). */
    void hintAll() {
        byte[] bytes = null;
        for (Subscription sub : subscriptions.values()) {
            if (bytes == null) {
                bytes = hint(name);
            }
            sub.offerHint(bytes);
        }
    }

    /** Adds a decided delta to the channel's batch; it goes out at the end of the window. */
    void deliverPresence(PresenceDelta d) {
        synchronized (presenceLock) {
            if (pending.isEmpty()) {
                withPendingPresence.add(this);
            }
            pending.add(d);
            if (window.immediate() || pending.size() >= MAX_BATCH) {
                flushLocked();
            } else if (!flushScheduled) {
                flushScheduled = true;
                window.schedule(subscriptions.size(), () -> {
                    synchronized (presenceLock) {
                        flushScheduled = false;
                        flushLocked();
                    }
                });
            }
        }
    }

    /** Hands the waiting deltas, if any, to the subscribers now. */
    void flushPresence() {
        synchronized (presenceLock) {
            flushLocked();
        }
    }

    private void flushLocked() {
        if (pending.isEmpty()) {
            return;
        }
        PresenceBatch batch = new PresenceBatch(name, pending);
        pending = new ArrayList<>();
        for (Subscription sub : subscriptions.values()) {
            if (sub.subscriber().presenceEnabled()) {
                sub.offerPresence(batch);
            }
        }
        withPendingPresence.remove(this);
    }
}

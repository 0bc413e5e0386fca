package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.frame.PresenceMembers;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.cluster.PresenceStore.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection's subscription to one concrete channel on this node.
 *
 * <p>It starts <em>pending</em>: frames for it are held back until the subscribe's ack and
 * presence snapshot are queued, because those must come first (docs/protocol.md 2.3), and presence
 * deltas the snapshot already reflects ({@code seq <= snapshot.seq}) are dropped so that the
 * subscriber's view stays consistent. On a channel with history the same holds for messages: the
 * ack names a position, the missed messages after the client's position are replayed right after
 * the ack, and held messages at or before the ack's position are dropped, so every message
 * arrives once and in offset order, replayed ones before live ones (docs/protocol.md 9).
 * {@link #activate} queues ack + snapshot + replay and releases the held frames in order; from
 * then on frames go straight to the subscriber.
 *
 * <p>Thread-safe: frames arrive from backplane threads, activation from whichever thread
 * completed the presence decision.
 */
public final class Subscription {
    /** Something held back while pending: a message frame, a presence batch or a hint. */
    private sealed interface Held {
    }

    private record HeldMessage(StreamPosition position, byte[] frame) implements Held {
    }

    private record HeldPresence(PresenceBatch batch) implements Held {
    }

    /** A {@code resubscribe} hint: sent only to a subscription that asked for recovery. */
    private record HeldHint(byte[] frame) implements Held {
    }

    private final Subscriber subscriber;
    private final String channel;
    private volatile boolean includeSenderMetadata;
    private volatile boolean active;
    /** The sequence number of the snapshot this subscription was activated with. */
    private volatile long snapshotSeq = Long.MIN_VALUE;
    /** Whether the last subscribe asked for recovery, and so may be sent hints. */
    private volatile boolean wantsHints;
    /** Guarded by {@code this}; null when active. */
    private List<Held> held = new ArrayList<>();
    /** Guarded by {@code this}. */
    private boolean detached;
    private final Object countLock = new Object();
    /** Guarded by {@code countLock}. */
    private boolean counted;
    private boolean left;

    Subscription(Subscriber subscriber, String channel, boolean includeSenderMetadata) {
        this.subscriber = subscriber;
        this.channel = channel;
        this.includeSenderMetadata = includeSenderMetadata;
    }

    public Subscriber subscriber() {
        return subscriber;
    }

    public String channel() {
        return channel;
    }

    boolean includeSenderMetadata() {
        return includeSenderMetadata;
    }

    /** Holds frames again for a repeated subscribe, which gets a fresh ack and snapshot. */
    synchronized void resubscribe(boolean includeSenderMetadata) {
        this.includeSenderMetadata = includeSenderMetadata;
        if (active) {
            active = false;
            held = new ArrayList<>();
        }
    }

    /** @param position the message's position, or {@code null} on a channel without history */
    void offerMessage(byte[] frame, StreamPosition position) {
        if (!active && hold(new HeldMessage(position, frame))) {
            return;
        }
        subscriber.deliver(frame);
    }

    /** A {@code resubscribe} hint (docs/protocol.md 9); ignored unless the subscriber asked for recovery. */
    void offerHint(byte[] frame) {
        if (!active && hold(new HeldHint(frame))) {
            return;
        }
        if (wantsHints) {
            subscriber.deliver(frame);
        }
    }

    /** Holds a frame while pending; false when the subscription turned active meanwhile. */
    private synchronized boolean hold(Held h) {
        if (active) {
            return false;
        }
        if (!detached) {
            held.add(h);
        }
        return true;
    }

    /**
     * A batch of the channel's presence deltas: what this subscriber's snapshot does not
     * reflect goes out, coalesced (a batch decided before the activation may arrive after it).
     */
    void offerPresence(PresenceBatch batch) {
        if (!active && hold(new HeldPresence(batch))) {
            return;
        }
        batch.deliverAfter(snapshotSeq, subscriber);
    }

    /** {@link #activate(Snapshot, Start, Consumer)} on a channel without history. */
    public void activate(Snapshot snapshot, Consumer<PresenceMembers> ackAndSnapshot) {
        activate(snapshot, Start.NONE, ackAndSnapshot);
    }

    /**
     * Queues what the subscribe answers (through {@code ackAndSnapshot}, given the snapshot
     * without the subscriber's own peerId), then the replayed messages, then the held frames
     * newer than the snapshot and the start position. A held message that does not follow the
     * last one delivered (a gap: this node missed messages) is preceded by a hint when the
     * subscriber asked for recovery.
     */
    public synchronized void activate(Snapshot snapshot, Start start, Consumer<PresenceMembers> ackAndSnapshot) {
        if (active) {
            return;
        }
        wantsHints = start.wantsHints();
        // Shared with every joiner of the same moment: leaving one entry out copies nothing.
        ackAndSnapshot.accept(subscriber.presenceEnabled() ? snapshot.roster().without(subscriber.peerId())
                : PresenceMembers.NONE);
        start.replay().forEach(subscriber::deliver);
        StreamPosition last = start.position();
        boolean hinted = false;
        for (Held h : held) {
            if (h instanceof HeldPresence p) {
                p.batch().deliverAfter(snapshot.seq(), subscriber);
            } else if (h instanceof HeldHint hint) {
                if (wantsHints && !hinted) {
                    subscriber.deliver(hint.frame());
                    hinted = true;
                }
            } else {
                HeldMessage m = (HeldMessage) h;
                if (last == null || m.position() == null) {
                    subscriber.deliver(m.frame());
                    continue;
                }
                boolean sameEpoch = m.position().epoch().equals(last.epoch());
                if (sameEpoch && m.position().offset() <= last.offset()) {
                    continue; // replayed, or published before the subscription's start
                }
                boolean gap = sameEpoch ? m.position().offset() > last.offset() + 1 : m.position().offset() != 1;
                if (gap && wantsHints && !hinted) {
                    subscriber.deliver(LocalChannel.hint(channel));
                    hinted = true;
                }
                subscriber.deliver(m.frame());
                last = m.position();
            }
        }
        held = null;
        snapshotSeq = snapshot.seq();
        active = true;
    }

    /**
     * Runs {@code count} (which hands the connection to presence) atomically with respect to
     * {@link #detach}, unless the connection has already left; then returns {@code otherwise}.
     * A leave issued by a later detach is therefore always issued after the count.
     */
    public <T> T countUnlessDetached(java.util.function.Supplier<T> count, T otherwise) {
        // Its own lock, never held with this object's monitor: the in-memory store delivers
        // deltas to other subscriptions (their monitors) from inside count.
        synchronized (countLock) {
            if (left) {
                return otherwise;
            }
            counted = true;
            return count.get();
        }
    }

    /** Stops delivery; returns whether presence had counted it (so a leave is owed). */
    boolean detach() {
        synchronized (this) {
            detached = true;
            active = false;
            held = new ArrayList<>();
        }
        synchronized (countLock) {
            left = true;
            boolean owed = counted;
            counted = false;
            return owed;
        }
    }
}

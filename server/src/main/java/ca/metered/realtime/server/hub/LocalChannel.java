package ca.metered.realtime.server.hub;

import ca.metered.realtime.server.cluster.PresenceDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One concrete channel on this node: its local subscriptions. Presence is decided by the
 * backplane's {@code PresenceStore}; this class only fans the decided deltas out, gathered for
 * one {@link PresenceWindow} into a {@link PresenceBatch} (protocol.md 2.3).
 *
 * <p>A channel with deltas waiting is in its app's {@code withPendingPresence} set from the
 * first waiting delta until the batch has been handed to every subscriber; whoever delivers a
 * message or a direct first {@link #flushPresence flushes} the channels in that set, so that no
 * {@code joined} is overtaken by a later message of that peer (the set is left only at the end
 * of a flush, under the presence lock, so a concurrent flush is waited for, not skipped).
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
    final ConcurrentHashMap<Subscriber, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Object presenceLock = new Object();
    /** Guarded by {@code presenceLock}. */
    private List<PresenceDelta> pending = new ArrayList<>();
    /** Guarded by {@code presenceLock}. */
    private boolean flushScheduled;

    LocalChannel(String name, PresenceWindow window, Set<LocalChannel> withPendingPresence) {
        this.name = name;
        this.window = window;
        this.withPendingPresence = withPendingPresence;
    }

    boolean isEmpty() {
        return subscriptions.isEmpty();
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
                window.scheduler().schedule(window.window(), () -> {
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

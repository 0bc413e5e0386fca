package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.time.Cancellable;
import ca.metered.realtime.server.time.Scheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceJoined;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceLeft;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps a flapping peer from producing pairs (docs/webhooks.md "Flapping"): a
 * {@code channel.vacated} is held for the grace window, counted from when it was decided; a
 * {@code channel.occupied} of the same channel within the window drops both. Likewise a
 * {@code presence.left} and the same peer's {@code presence.joined} on that channel. A held
 * event whose window ends is released, in the order it was held. Everything else passes at once.
 *
 * <p>{@code peer.disconnected} and {@code peer.connected} are never held: they are about two
 * different connections, and the close code is what a disconnect hook is for.
 *
 * <p>At most {@code maxHeld} events are held; beyond that an event passes at once (no
 * suppression), so memory stays bounded whatever the churn.
 *
 * <p>Thread-safe (one monitor; {@code release} and {@code drop} are called outside it).
 * Released events come on the caller's thread or on the scheduler's.
 */
final class FlapGrace {
    private final Scheduler scheduler;
    private final Duration grace;
    private final int maxHeld;
    private final Consumer<Logged> release;
    private final Consumer<List<Logged>> drop;
    private final Map<Key, Held> held = new HashMap<>();
    private boolean stopped;

    /** What a held event waits for: an undo of the same channel (and peer, for presence). */
    private record Key(boolean presence, String channel, String peerId) {
    }

    private record Held(Logged event, Cancellable timer) {
    }

    /**
     * @param release gets what goes on to the endpoints
     * @param drop    gets the pairs that cancelled out
     */
    FlapGrace(Scheduler scheduler, Duration grace, int maxHeld, Consumer<Logged> release,
              Consumer<List<Logged>> drop) {
        this.scheduler = scheduler;
        this.grace = grace;
        this.maxHeld = maxHeld;
        this.release = release;
        this.drop = drop;
    }

    /** Takes the next event of the log, in log order. */
    void offer(Logged e) {
        List<Logged> cancelled = null;
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (!grace.isZero()) {
                switch (e.event().type()) {
                    case CHANNEL_VACATED, PRESENCE_LEFT -> {
                        if (hold(e)) {
                            return;
                        }
                    }
                    case CHANNEL_OCCUPIED, PRESENCE_JOINED -> {
                        Held undone = held.remove(key(e));
                        if (undone != null) {
                            undone.timer().cancel();
                            cancelled = List.of(undone.event(), e);
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        if (cancelled != null) {
            drop.accept(cancelled);
        } else {
            release.accept(e);
        }
    }

    /** Number of events held now. */
    synchronized int held() {
        return held.size();
    }

    /** Drops everything held without releasing it (the lease is lost: the next reader has it all). */
    synchronized void stop() {
        stopped = true;
        held.values().forEach(h -> h.timer().cancel());
        held.clear();
    }

    /** Under the monitor; false when the event must pass at once. */
    private boolean hold(Logged e) {
        Key k = key(e);
        if (held.containsKey(k) || held.size() >= maxHeld) {
            return false; // a second vacate without an occupy between them: nothing to pair it with
        }
        Duration left = Duration.ofMillis(e.time() + grace.toMillis() - scheduler.clock().millis());
        Cancellable timer = scheduler.schedule(left.isNegative() ? Duration.ZERO : left, () -> expire(k, e));
        held.put(k, new Held(e, timer));
        return true;
    }

    private void expire(Key k, Logged e) {
        synchronized (this) {
            Held h = held.get(k);
            if (h == null || h.event() != e) {
                return;
            }
            held.remove(k);
        }
        release.accept(e);
    }

    private static Key key(Logged e) {
        WebhookEvent ev = e.event();
        String peerId = ev instanceof PresenceLeft l ? l.peerId() : ev instanceof PresenceJoined j ? j.peerId() : null;
        return new Key(peerId != null, ev.channel(), peerId);
    }
}

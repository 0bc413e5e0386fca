package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.AckTimeoutException;
import ca.metered.realtime.client.SignallingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests awaiting their {@code ack} (or correlated {@code error}), each failing with
 * {@link AckTimeoutException} after the ack timeout (15 s, docs/sdk-behaviour.md 11.2).
 *
 * <p>Every request has the same timeout, so insertion order is deadline order: one timer, armed
 * for the oldest request, sweeps the expired ones and re-arms for the next. A request costs a map
 * entry, not a timer, which is what lets a publisher keep thousands in flight. Loop-confined.
 */
final class PendingAcks {
    /** Outcome of one acked request, delivered on the loop; {@code err == null} means acked. */
    @FunctionalInterface
    interface Ack {
        void done(SignallingException err);

        /** Acked, with what the ack said (the extension fields of docs/protocol.md 9); by default just done. */
        default void acked(Reply reply) {
            done(null);
        }
    }

    private record Pending(Ack ack, long deadline) {
    }

    private final LoopTimers timers;
    private final long timeoutMs;
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    private LoopTimers.Timer sweep;

    PendingAcks(LoopTimers timers, long timeoutMs) {
        this.timers = timers;
        this.timeoutMs = timeoutMs;
    }

    void add(String requestId, Ack ack) {
        pending.put(requestId, new Pending(ack, timers.nowMs() + timeoutMs));
        if (sweep == null) {
            arm(timeoutMs);
        }
    }

    /** The request's handler, removed; {@code null} if unknown (late ack, or not ours). */
    Ack remove(String requestId) {
        Pending p = pending.remove(requestId);
        return p == null ? null : p.ack();
    }

    int size() {
        return pending.size();
    }

    /** Removes every pending request (the connection closed); the caller fails them. */
    List<Ack> drain() {
        List<Ack> out = new ArrayList<>(pending.size());
        for (Pending p : pending.values()) {
            out.add(p.ack());
        }
        pending.clear();
        LoopTimers.cancel(sweep);
        sweep = null;
        return out;
    }

    private void arm(long delayMs) {
        sweep = timers.schedule(Math.max(0, delayMs), this::sweep);
    }

    private void sweep() {
        sweep = null;
        long now = timers.nowMs();
        List<Map.Entry<String, Pending>> expired = new ArrayList<>();
        Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Pending> e = it.next();
            if (e.getValue().deadline() > now) {
                arm(e.getValue().deadline() - now);
                break;
            }
            expired.add(e);
            it.remove();
        }
        for (Map.Entry<String, Pending> e : expired) {
            e.getValue().ack().done(new AckTimeoutException(e.getKey(), Duration.ofMillis(timeoutMs)));
        }
    }
}

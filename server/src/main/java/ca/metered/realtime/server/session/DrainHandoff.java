package ca.metered.realtime.server.session;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the {@link OutboundQueue} drains that one event loop schedules while it works — a
 * publish fanned out to a thousand subscribers schedules a thousand — and hands them over when
 * it is done with what it is doing: one task per target loop, not one per queue.
 *
 * <p>Two things come of it. Fewer cross-thread hand-offs and wake-ups (one task per loop per
 * round instead of one per subscriber). And coalescing: every publish the loop reads in one go
 * is queued to every subscriber before any of them drains, so a subscriber gets them in one
 * batch — one buffer, one write, one syscall — rather than a write per message. The drain of a
 * queue is delayed by at most what remains of the current round of the scheduling loop (its
 * I/O, then its tasks up to this one); the order of one queue's frames is not affected (they
 * are queued at once, only the drain waits).
 *
 * <p>Called off an event loop (timers, the Redis client's threads, tests), a drain is scheduled
 * on its queue's loop at once, as before.
 *
 * <p>Not thread-safe: one instance per event loop thread, used only on that thread.
 */
final class DrainHandoff {
    private static final Logger log = LoggerFactory.getLogger(DrainHandoff.class);
    private static final FastThreadLocal<DrainHandoff> OF_THREAD = new FastThreadLocal<>();

    private final EventLoop home;
    /** The queues to drain, by their loop; replaced, not cleared, when handed over. */
    private Map<EventLoop, ArrayList<OutboundQueue>> pending = new IdentityHashMap<>();
    private boolean scheduled;

    private DrainHandoff(EventLoop home) {
        this.home = home;
    }

    /**
     * Drains {@code q} on {@code loop} soon: at the end of the calling loop's round when called
     * on an event loop, at once otherwise.
     *
     * @throws RejectedExecutionException when {@code loop} is shutting down (the caller discards)
     */
    static void schedule(OutboundQueue q, EventLoop loop) {
        EventExecutor current = ThreadExecutorMap.currentExecutor();
        if (!(current instanceof EventLoop home) || home.isShuttingDown()) {
            loop.execute(q::drain);
            return;
        }
        DrainHandoff h = OF_THREAD.get();
        if (h == null || h.home != home) {
            h = new DrainHandoff(home);
            OF_THREAD.set(h);
        }
        h.add(q, loop);
    }

    private void add(OutboundQueue q, EventLoop loop) {
        if (!scheduled) {
            home.execute(this::handOver); // rejected when shutting down: nothing added, the caller discards
            scheduled = true;
        }
        pending.computeIfAbsent(loop, l -> new ArrayList<>()).add(q);
    }

    /** On the home loop: drains its own queues here, and gives each other loop its list in one task. */
    private void handOver() {
        Map<EventLoop, ArrayList<OutboundQueue>> batch = pending;
        // What these drains schedule (a budget resume, say) starts a new round.
        pending = new IdentityHashMap<>();
        scheduled = false;
        for (Map.Entry<EventLoop, ArrayList<OutboundQueue>> e : batch.entrySet()) {
            EventLoop loop = e.getKey();
            ArrayList<OutboundQueue> queues = e.getValue();
            if (loop == home) {
                drainAll(queues);
                continue;
            }
            try {
                loop.execute(() -> drainAll(queues));
            } catch (RejectedExecutionException shuttingDown) {
                queues.forEach(OutboundQueue::discardAll);
            }
        }
    }

    private static void drainAll(ArrayList<OutboundQueue> queues) {
        for (int i = 0, n = queues.size(); i < n; i++) {
            try {
                queues.get(i).drain();
            } catch (RuntimeException | Error e) {
                // One queue's failure must not leave the others of the batch undrained for ever.
                log.warn("outbound drain failed", e);
            }
        }
    }
}

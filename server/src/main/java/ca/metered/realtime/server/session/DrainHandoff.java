package ca.metered.realtime.server.session;

import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one event loop queues for connections of other loops while it works — a publish fanned
 * out to a thousand subscribers queues a thousand frames — gathered per target loop and handed
 * over when the loop is done with what it is doing: one task per target loop, not one per queue.
 *
 * <p>Two kinds of work are handed over. Items ({@link #defer}): a frame (or a close) for a queue
 * of another loop is not put into that queue by this thread but carried, with the others for the
 * same loop, in the task; the target loop queues them there, in the order this thread deferred
 * them, then drains. The queue's FIFO, its byte count and its drain flag are then touched by one
 * thread only, the queue's own, instead of a cache line passed between threads per delivery, and
 * the fan-out's enqueueing is shared by the loops instead of done by the publisher's thread
 * alone. Drains ({@link #schedule}): a queue that already holds items (queued on its own loop, or
 * resumed by the budget) is drained when the round ends, so that every item the loop queued in
 * one go leaves in one batch per connection — one buffer, one write, one syscall.
 *
 * <p>When the round ends: the batches for other loops are handed over at once, at the end of the
 * loop's tasks; the loop's drains of its own queues wait one step more, for the loop's next poll
 * for I/O and what it reads ({@link #drainLate}), run {@link #SWEEP_CHUNK} at a time with a poll
 * in between, and take in what other loops hand over meanwhile before each drain. A loop that is
 * behind — the next publish already read, or already
 * handed over to it while it writes the last one's fan-out — so writes each connection once for
 * both, the way a server with a writer per connection batches under load; a loop that is not
 * behind finds nothing more and writes one non-blocking poll later. No timer holds a write.
 *
 * <p>Order (the guarantee of {@code Link}: what one thread queues goes out in the order it queued
 * it): every item an event loop queues for a connection of another loop goes this way, sends,
 * pings, pongs and closes alike, and the tasks of one loop to another run in the order they were
 * given, so one thread's items reach a queue in its order. Items queued off the server's
 * event loops (timers of other executors, the Redis client's threads — its event loops included,
 * whose completions are ordered with its other threads' — tests) and on the connection's own
 * loop go into the queue at once, as before. An item is delayed by at most what remains of the
 * deferring loop's round (its I/O, then its tasks up to the hand-over), and a drain of the loop's
 * own queues by the I/O of the loop's next iteration, and of one more per {@link #SWEEP_CHUNK}
 * queues drained before it. A round's batches are in
 * their loops' {@link Inbox}es before the round's own drains write anything (a publisher's
 * ack), and a loop runs its inbox before it queues anything for its own connections: so an acked
 * publish is in every subscriber's queue before whatever the ack leads to (a ping to a
 * subscriber is answered after the message, as when the publisher's loop queued it itself).
 *
 * <p>Not thread-safe: one instance per event loop thread, used only on that thread.
 */
final class DrainHandoff {
    private static final Logger log = LoggerFactory.getLogger(DrainHandoff.class);
    private static final FastThreadLocal<DrainHandoff> OF_THREAD = new FastThreadLocal<>();

    private final EventLoop home;
    /** The home loop's own inbox: what other loops handed over to it. */
    private final Inbox homeInbox;
    /** What goes to each loop at the end of the round; replaced, not cleared, when handed over. */
    private Map<EventLoop, Batch> pending = new IdentityHashMap<>();
    private boolean scheduled;
    /**
     * The home loop's own queues to drain, in the order their drains were handed over; those
     * from {@link #sweepAt} on are still to drain. They drain after the loop's next poll for I/O
     * ({@link #drainLate}), at most {@link #SWEEP_CHUNK} per iteration, so that what the polls
     * read — the next publish — goes into the writes not made yet.
     */
    private final ArrayList<OutboundQueue> sweep = new ArrayList<>();
    private int sweepAt;
    /** {@link #drainLate} is queued (or about to be, at the end of this iteration). */
    private boolean lateScheduled;

    /**
     * How many queues a loop drains between two polls for I/O: a few hundred microseconds of
     * writes, so that a publish that arrives while a loop writes the last one's fan-out joins
     * the writes still to come, at the cost of one non-blocking {@code epoll_wait} per chunk.
     */
    static final int SWEEP_CHUNK = 64;
    /** The batch {@link #batchFor} returned last, and its loop; both null after a hand-over. */
    private EventLoop lastLoop;
    private Batch lastBatch;

    /**
     * The most item slots a batch needed lately: the next round's batches start that large
     * instead of growing again (a fan-out of every publish read in one go, at peak rate, is tens
     * of thousands of items).
     */
    private int itemsHint = 16;

    /** One target loop's share of a round: items to queue (in order), then queues to drain. */
    private static final class Batch {
        /** Pairs: queue, item; allocated with the first (a loop's own batch has drains only). */
        Object[] items;
        int size;
        final int capacity;
        final ArrayList<OutboundQueue> drains = new ArrayList<>();

        Batch(int capacity) {
            this.capacity = capacity;
        }

        void add(OutboundQueue q, Object item) {
            if (items == null) {
                items = new Object[capacity];
            } else if (size + 2 > items.length) {
                items = Arrays.copyOf(items, items.length * 2);
            }
            items[size++] = q;
            items[size++] = item;
        }

        /** On the target loop. */
        void run() {
            for (int i = 0; i < size; i += 2) {
                try {
                    ((OutboundQueue) items[i]).accept(items[i + 1]);
                } catch (RuntimeException | Error e) {
                    log.warn("outbound queueing failed", e);
                }
            }
            drainAll(drains);
        }
    }

    /**
     * The batches handed to one loop, in the order they were handed (by every other loop), taken
     * on that loop only: by the task that comes with each, or earlier, when the loop queues
     * something for one of its own connections ({@link #runPending}) — what another loop handed
     * over before (a message whose publisher was already acked) goes into the queues first.
     */
    static final class Inbox {
        private final ConcurrentLinkedQueue<Batch> batches = new ConcurrentLinkedQueue<>();
        /** Event loop only: whether a batch is being queued (its items must not run the inbox again). */
        private boolean running;

        /** Whether a batch waits: a read of the queue's head, which other loops rarely write. */
        boolean hasPending() {
            return !batches.isEmpty();
        }

        /** On the inbox's loop: queues the items of every batch handed over so far. */
        void runPending() {
            if (running) {
                return;
            }
            running = true;
            try {
                Batch b;
                while ((b = batches.poll()) != null) {
                    b.run();
                }
            } finally {
                running = false;
            }
        }
    }

    /** Every loop's inbox; weak, so that the loops of a stopped server go with it. */
    private static final Map<EventLoop, Inbox> INBOXES = Collections.synchronizedMap(new WeakHashMap<>());

    /** The inbox of {@code loop} (one per loop, made on first use). */
    static Inbox inboxOf(EventLoop loop) {
        return INBOXES.computeIfAbsent(loop, l -> new Inbox());
    }

    private DrainHandoff(EventLoop home) {
        this.home = home;
        this.homeInbox = inboxOf(home);
    }

    /** This thread's instance when it is an event loop that is not shutting down, else null. */
    private static DrainHandoff ofThisLoop() {
        EventExecutor current = ThreadExecutorMap.currentExecutor();
        if (!(current instanceof EventLoop home) || home.isShuttingDown()) {
            return null;
        }
        DrainHandoff h = OF_THREAD.get();
        if (h == null || h.home != home) {
            h = new DrainHandoff(home);
            OF_THREAD.set(h);
        }
        return h;
    }

    /**
     * Carries {@code item} to {@code q}'s loop with this loop's hand-over, if the caller is an
     * event loop other than {@code loop}: returns {@code true} then, and {@code loop} calls
     * {@link OutboundQueue#accept} with it. Returns {@code false} (the caller queues the item
     * itself) on {@code loop}, off any event loop, or when this loop is shutting down. If
     * {@code loop} is shutting down by the time of the hand-over, the item is dropped: its
     * channel closes with the server.
     */
    static boolean defer(OutboundQueue q, Object item, EventLoop loop) {
        if (loop.inEventLoop()) {
            return false;
        }
        DrainHandoff h = ofThisLoop();
        // Only between loops of one group (the server's workers): another client's event loop
        // (Lettuce's, completing commands) hands answers over in an order shared with its
        // other threads, which a deferral would break.
        if (h == null || h.home.parent() != loop.parent() || !h.ensureScheduled()) {
            return false;
        }
        h.batchFor(loop).add(q, item);
        return true;
    }

    /**
     * Drains {@code q} on {@code loop} soon: at the end of the calling loop's round when called
     * on an event loop, at once otherwise.
     *
     * @throws RejectedExecutionException when {@code loop} is shutting down (the caller discards)
     */
    static void schedule(OutboundQueue q, EventLoop loop) {
        DrainHandoff h = ofThisLoop();
        if (h == null || !h.ensureScheduled()) {
            Map<EventLoop, ArrayList<OutboundQueue>> gathered = GATHERING.get();
            if (gathered != null) {
                gathered.computeIfAbsent(loop, l -> new ArrayList<>()).add(q);
                return;
            }
            loop.execute(q::drain);
            return;
        }
        h.batchFor(loop).drains.add(q);
    }

    /** The drains a thread that is no event loop schedules inside {@link #gathering}, by loop. */
    private static final ThreadLocal<Map<EventLoop, ArrayList<OutboundQueue>>> GATHERING = new ThreadLocal<>();
    /** The queues nudged inside {@link #gathering} ({@link #nudgeLater}), by loop. */
    private static final ThreadLocal<Map<EventLoop, ArrayList<OutboundQueue>>> NUDGES = new ThreadLocal<>();

    /**
     * How long a keepalive ping may wait for the connection's next frames to leave with them
     * before it is drained alone: far below the ping's grace (seconds), above the gap between
     * the frames of a busy connection.
     */
    static final long PING_LINGER_MS = 25;

    /** Whether the calling thread is inside {@link #gathering}. */
    static boolean isGathering() {
        return GATHERING.get() != null;
    }

    /**
     * Has {@code q} drained if anything still waits in it {@link #PING_LINGER_MS} after the
     * end of the current {@link #gathering}: one timer per loop for all its queues.
     */
    static void nudgeLater(OutboundQueue q, EventLoop loop) {
        Map<EventLoop, ArrayList<OutboundQueue>> nudges = NUDGES.get();
        if (nudges != null) {
            nudges.computeIfAbsent(loop, l -> new ArrayList<>()).add(q);
            return;
        }
        try {
            loop.schedule(q::nudge, PING_LINGER_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            q.discardAll();
        }
    }

    /**
     * Runs {@code work} — on a thread that is no event loop, e.g. the keepalive sweep pinging every
     * connection — with the drains it schedules gathered: each loop gets one task for all of
     * its queues when {@code work} is done, instead of one per queue. What {@code work} queues goes
     * into the queues at once, as without it (so the order of items is unchanged); only their
     * drains wait for the end of {@code work}. On an event loop, {@code work} just runs (the
     * round's hand-over gathers already).
     */
    static void gathering(Runnable work) {
        if (ofThisLoop() != null || GATHERING.get() != null) {
            work.run();
            return;
        }
        Map<EventLoop, ArrayList<OutboundQueue>> gathered = new IdentityHashMap<>();
        Map<EventLoop, ArrayList<OutboundQueue>> nudges = new IdentityHashMap<>();
        GATHERING.set(gathered);
        NUDGES.set(nudges);
        try {
            work.run();
        } finally {
            GATHERING.remove();
            NUDGES.remove();
            for (Map.Entry<EventLoop, ArrayList<OutboundQueue>> e : gathered.entrySet()) {
                ArrayList<OutboundQueue> queues = e.getValue();
                try {
                    e.getKey().execute(() -> drainAll(queues));
                } catch (RejectedExecutionException shuttingDown) {
                    queues.forEach(OutboundQueue::discardAll);
                }
            }
            for (Map.Entry<EventLoop, ArrayList<OutboundQueue>> e : nudges.entrySet()) {
                ArrayList<OutboundQueue> queues = e.getValue();
                try {
                    e.getKey().schedule(() -> nudgeAll(queues), PING_LINGER_MS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException shuttingDown) {
                    queues.forEach(OutboundQueue::discardAll);
                }
            }
        }
    }

    private static void nudgeAll(ArrayList<OutboundQueue> queues) {
        each(queues, OutboundQueue::nudge);
    }

    /** Whether the hand-over is (now) scheduled on the home loop; false when it refuses tasks. */
    private boolean ensureScheduled() {
        if (!scheduled) {
            try {
                home.execute(this::handOver);
            } catch (RejectedExecutionException shuttingDown) {
                return false;
            }
            scheduled = true;
        }
        return true;
    }

    private Batch batchFor(EventLoop loop) {
        if (loop == lastLoop) { // a fan-out asks for the same few loops a thousand times
            return lastBatch;
        }
        Batch b = pending.get(loop);
        if (b == null) {
            b = new Batch(itemsHint);
            pending.put(loop, b);
        }
        lastLoop = loop;
        lastBatch = b;
        return b;
    }

    /**
     * On the home loop: gives each other loop its batch in one task (they run meanwhile on the
     * other cores), and sets the home loop's own drains aside for {@link #drainLate}.
     */
    private void handOver() {
        handOverBatches();
        if (sweepAt < sweep.size() && !lateScheduled) {
            scheduleLate();
        }
    }

    /** Puts each other loop's batch of the round into its inbox; the home loop's drains into {@link #sweep}. */
    private void handOverBatches() {
        scheduled = false;
        Map<EventLoop, Batch> round = pending;
        if (round.isEmpty()) {
            return; // a late drain handed this round over already
        }
        // What the drains schedule (a budget resume, say) starts a new round.
        pending = new IdentityHashMap<>();
        lastLoop = null;
        lastBatch = null;
        int most = 16;
        for (Map.Entry<EventLoop, Batch> e : round.entrySet()) {
            EventLoop loop = e.getKey();
            Batch batch = e.getValue();
            most = Math.max(most, batch.size);
            if (loop == home) {
                sweep.addAll(batch.drains); // a loop's own batch has drains only (defer refuses its own queues)
                continue;
            }
            Inbox inbox = inboxOf(loop);
            // In the loop's inbox before anything this round wrote leaves (the late drains: a
            // publisher's ack, say), so that what follows from it on that loop finds it there.
            inbox.batches.add(batch);
            try {
                loop.execute(inbox::runPending);
            } catch (RejectedExecutionException shuttingDown) {
                // Deferred items were not counted by their queues yet: nothing to give back.
                batch.drains.forEach(OutboundQueue::discardAll);
            }
        }
        // Follows the load down as well as up, so that a burst's size is not kept for ever.
        itemsHint = Integer.highestOneBit(most - 1) << 1;
    }

    /**
     * Has {@link #drainLate} run in the home loop's next iteration: after this iteration's tasks
     * and the next poll for I/O — which does not block, a task being queued, so an idle loop
     * writes at once, one {@code epoll_wait} later.
     */
    private void scheduleLate() {
        lateScheduled = true;
        try {
            if (home instanceof SingleThreadEventLoop loop) {
                loop.executeAfterEventLoopIteration(toNextIteration);
            } else {
                home.execute(lateDrain);
            }
        } catch (RejectedExecutionException shuttingDown) {
            lateScheduled = false;
            discardSweep();
        }
    }

    private final Runnable lateDrain = this::drainLate;
    /** Run after an iteration's tasks: queues {@link #drainLate} for the next one. */
    private final Runnable toNextIteration = this::queueLateDrain;

    private void queueLateDrain() {
        try {
            home.execute(lateDrain);
        } catch (RejectedExecutionException shuttingDown) {
            lateScheduled = false;
            discardSweep();
        }
    }

    private void discardSweep() {
        for (int i = sweepAt, n = sweep.size(); i < n; i++) {
            sweep.get(i).discardAll();
        }
        sweep.clear();
        sweepAt = 0;
    }

    /**
     * On the home loop, one iteration after the hand-over: drains the next {@link #SWEEP_CHUNK}
     * of the loop's own queues, and has the rest drained in the next iteration. The iteration's
     * I/O ran first: a publish it read is in the queues now (its fan-out to other loops handed
     * over before anything is written here) and leaves in the same write per connection as the
     * one before, for every queue not written yet — a loop that fell behind writes once for
     * both, exactly when it is short of time; a loop that was idle read nothing and writes at
     * once. What other loops handed over meanwhile goes into the queues first, and before each
     * drain. Order is kept: the inbox holds only what was handed over after this loop queued its
     * own items (those run the inbox first), and a drain writes its queue's items in order.
     */
    private void drainLate() {
        lateScheduled = false;
        handOverBatches();
        homeInbox.runPending();
        int end = Math.min(sweep.size(), sweepAt + SWEEP_CHUNK);
        while (sweepAt < end) {
            OutboundQueue q = sweep.get(sweepAt++);
            if (homeInbox.hasPending()) {
                // Handed over while this loop writes: the queues not written yet take it along.
                homeInbox.runPending();
            }
            try {
                q.drain();
            } catch (RuntimeException | Error e) {
                log.warn("outbound drain failed", e);
            }
        }
        if (sweepAt == sweep.size()) {
            sweep.clear();
            sweepAt = 0;
            return;
        }
        if (sweepAt >= 1024) {
            // Under steady load drains are added as fast as they are taken and the list never
            // empties: let go of the ones done.
            sweep.subList(0, sweepAt).clear();
            sweepAt = 0;
        }
        if (!lateScheduled) {
            scheduleLate();
        }
    }

    private static void drainAll(ArrayList<OutboundQueue> queues) {
        each(queues, OutboundQueue::drain);
    }

    private static void each(ArrayList<OutboundQueue> queues, Consumer<OutboundQueue> drain) {
        for (int i = 0, n = queues.size(); i < n; i++) {
            try {
                drain.accept(queues.get(i));
            } catch (RuntimeException | Error e) {
                // One queue's failure must not leave the others of the batch undrained for ever.
                log.warn("outbound drain failed", e);
            }
        }
    }
}

package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.DecodeResult;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.server.config.Limits;
import io.netty.util.concurrent.EventExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Runs one connection's commands one at a time (docs/protocol.md 2.3): a command whose outcome
 * depends on the backplane holds the next ones back until it is answered, so answers leave in
 * command order and a later command never overtakes an earlier one's effects. The exception is
 * a run of publishes, which pipeline: they leave on the node's one Redis connection in order,
 * and their replies, hence their acks, come back in that order. The rate limit keeps the
 * backlog short. Nothing runs before {@link #start} (the welcome goes first).
 *
 * <p>The {@link Session} is one (it extends this class rather than holding one: one object and one
 * reference fewer per connection, docs/performance.md "Idle connections"): it runs the items
 * ({@link #handle}) and names the connection's loop and link. A sequencer is also the
 * connection's {@link InboundRateLimiter} (the frames are admitted, then their commands run in
 * order), for the same reason; once its link is closing, waiting items are dropped.
 *
 * <p>Not thread-safe: confined to the connection's event loop ({@link #loop}), where stage
 * completions are brought back and where {@link #handle} is called — except the count of
 * publishes in flight, which answers count down on their own thread (an atomic).
 */
abstract class CommandSequencer extends InboundRateLimiter {
    private static final VarHandle PUBLISHES_IN_FLIGHT;

    static {
        try {
            PUBLISHES_IN_FLIGHT = MethodHandles.lookup().findVarHandle(CommandSequencer.class, "publishesInFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }


    /** What a client's data frame decoded to. */
    sealed interface Item {
        /** A text frame, decoded once on arrival. */
        static Item decode(String text) {
            DecodeResult r = FrameCodec.decodeClient(text);
            return r instanceof DecodeResult.Ok ok ? new Command(ok.frame()) : new Invalid((DecodeResult.Invalid) r);
        }

        default boolean isPublish() {
            return false;
        }
    }

    /** A well-formed command. */
    record Command(ClientFrame frame) implements Item {
        @Override
        public boolean isPublish() {
            return frame.kind() == ClientFrame.Kind.PUBLISH;
        }
    }

    /** A text frame that is not a valid command; answered with its {@code error}. */
    record Invalid(DecodeResult.Invalid result) implements Item {
    }

    /** A binary frame: the protocol is text only (docs/protocol.md 2). */
    record Binary() implements Item {
    }

    /** Items waiting their turn; made when the first one has to wait (most connections idle). */
    private ArrayDeque<Item> backlog;
    /** {@link #startCommands} was called: items run. */
    private boolean started;
    /** A command is waiting on the backplane (or the connection is not open yet); later items wait. */
    private boolean busy = true;
    /**
     * Publishes handed to the backplane and not yet answered. Counted down on the thread that
     * answers, so an answer comes back to the loop only when the last one in flight is answered
     * (and then only matters if something waits for it): under a steady pipeline of publishes
     * that is seldom, where one hand-over per answer was one task per message. Updated through
     * {@link #PUBLISHES_IN_FLIGHT} (a field, not an {@code AtomicInteger}: docs/performance.md,
     * "Idle connections").
     */
    private volatile int publishesInFlight;
    /** An item waits for every publish in flight to be answered. Event loop only. */
    private boolean waitingForPublishes;

    /** Runs one item, on the loop; returns its completion when it waits on the backplane, else {@code null}. */
    abstract CompletionStage<?> handle(Item item);

    /**
     * The connection's event loop (its channel's {@link io.netty.channel.EventLoop}: a completion
     * already on it runs at once, without a task).
     */
    abstract Executor loop();

    /** A sequencer whose connection's frames take tokens by {@code limits}, starting full at {@code nowNanos}. */
    CommandSequencer(Limits limits, long nowNanos) {
        super(limits, nowNanos);
    }

    /** Starts running items, those that arrived before first. */
    void startCommands() {
        started = true;
        resume();
    }

    void submit(Item item) {
        if (busy) {
            backlog().add(item);
        } else {
            run(item);
        }
    }

    /** Drops what waits; the connection is gone. */
    void dropCommands() {
        backlog = null;
        busy = true;
        waitingForPublishes = false;
    }

    private void run(Item item) {
        if (publishesInFlight > 0 && !item.isPublish()) {
            // Only a publish may follow pipelined publishes; anything else waits for their answers.
            busy = true;
            waitingForPublishes = true;
            backlog().addFirst(item);
            return;
        }
        CompletionStage<?> pending = handle(item);
        if (pending == null || pending.toCompletableFuture().isDone()) {
            return;
        }
        if (item.isPublish()) {
            PUBLISHES_IN_FLIGHT.getAndAdd(this, 1);
            pending.whenComplete((ok, err) -> {
                // Nothing runs while waitingForPublishes, so the count cannot rise again before
                // the task sees it: each time it reaches zero, one task looks.
                if ((int) PUBLISHES_IN_FLIGHT.getAndAdd(this, -1) == 1) {
                    onLoop(this::publishesAnswered);
                }
            });
        } else {
            busy = true;
            pending.whenComplete((ok, err) -> onLoop(this::resume));
        }
    }

    /** On the loop, after the last publish in flight was answered: what waited for it runs. */
    private void publishesAnswered() {
        if (waitingForPublishes && publishesInFlight == 0) {
            waitingForPublishes = false;
            resume();
        }
    }

    private void resume() {
        if (!started) {
            return;
        }
        busy = false;
        while (!busy && backlog != null && !backlog.isEmpty()) {
            if (link().isClosing()) {
                backlog = null;
                return;
            }
            run(backlog.poll());
        }
        if (!busy) {
            backlog = null; // drained: let the array go until something has to wait again
        }
    }

    /** Runs {@code r} on the loop: at once when already there (a Netty loop that says so), else as a task. */
    private void onLoop(Runnable r) {
        Executor loop = loop();
        if (loop instanceof EventExecutor e && e.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private ArrayDeque<Item> backlog() {
        if (backlog == null) {
            backlog = new ArrayDeque<>(4);
        }
        return backlog;
    }
}

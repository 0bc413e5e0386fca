package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.DecodeResult;
import ca.metered.realtime.protocol.frame.FrameCodec;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Runs one connection's commands one at a time (docs/protocol.md 2.3): a command whose outcome
 * depends on the backplane holds the next ones back until it is answered, so answers leave in
 * command order and a later command never overtakes an earlier one's effects. The exception is
 * a run of publishes, which pipeline: they leave on the node's one Redis connection in order,
 * and their replies, hence their acks, come back in that order. The rate limit keeps the
 * backlog short. Nothing runs before {@link #start} (the welcome goes first).
 *
 * <p>Not thread-safe: confined to the connection's event loop ({@code loop}), where stage
 * completions are brought back.
 */
final class CommandSequencer {

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

    /** Runs one item; returns its completion when it waits on the backplane, else {@code null}. */
    interface Handler {
        CompletionStage<?> handle(Item item);
    }

    private final Executor loop;
    private final BooleanSupplier closing;
    /** Items waiting their turn; made when the first one has to wait (most connections idle). */
    private ArrayDeque<Item> backlog;
    private Handler handler;
    /** A command is waiting on the backplane (or the connection is not open yet); later items wait. */
    private boolean busy = true;
    /** Publishes handed to the backplane and not yet answered. */
    private int publishesInFlight;

    /**
     * @param loop    the connection's event loop (its channel's {@link io.netty.channel.EventLoop}: a completion
     *     already on it runs at once, without a task)
     * @param closing whether the connection is closing: waiting items are then dropped
     */
    CommandSequencer(Executor loop, BooleanSupplier closing) {
        this.loop = loop;
        this.closing = closing;
    }

    /** Starts running items, those that arrived before first. */
    void start(Handler h) {
        this.handler = h;
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
    void stop() {
        backlog = null;
        busy = true;
    }

    private void run(Item item) {
        if (publishesInFlight > 0 && !item.isPublish()) {
            // Only a publish may follow pipelined publishes; anything else waits for their answers.
            busy = true;
            backlog().addFirst(item);
            return;
        }
        CompletionStage<?> pending = handler.handle(item);
        if (pending == null || pending.toCompletableFuture().isDone()) {
            return;
        }
        if (item.isPublish()) {
            publishesInFlight++;
            pending.whenComplete((ok, err) -> onLoop(() -> {
                if (--publishesInFlight == 0 && busy) {
                    resume();
                }
            }));
        } else {
            busy = true;
            pending.whenComplete((ok, err) -> onLoop(this::resume));
        }
    }

    private void resume() {
        if (handler == null) {
            return;
        }
        busy = false;
        while (!busy && backlog != null && !backlog.isEmpty()) {
            if (closing.getAsBoolean()) {
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

package ca.metered.realtime.server.cluster.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's ordered, batched writer onto its one Redis command connection: publishes, directs,
 * history publishes, the message counter and every script leave through here, <em>in the order
 * they were submitted</em>, and whatever has been submitted while the previous batch was being
 * written leaves as the next batch in one write ({@code dispatch} of a collection: one flush,
 * one TCP segment for many commands). Redis answers a connection's commands in order, so the
 * replies, and the acks completed from them, come back in that order too. Publishes queued one
 * after the other leave as one command (an {@code EVAL} that publishes each in turn), so a batch
 * of messages costs the client and Redis one command, not one each.
 *
 * <p>Why one writer and not the caller's thread: Lettuce writes a command issued <em>on</em> its
 * event loop (a completion callback) at once, ahead of commands other threads queued before it;
 * only one writer at a time, draining one queue, keeps the submission order. The writer runs on
 * the command connection's event loop once a reply has shown which one it is (there each
 * command goes straight into the channel; from another thread each is a task handed to the
 * loop), on a thread of its own before that. A switch between them cannot reorder: a batch
 * written from elsewhere is a run of tasks already in the loop's queue, ahead of the next
 * batch's task. Why not {@code EVALSHA}: its {@code NOSCRIPT} retry could let a later command
 * overtake an earlier one.
 *
 * <p>A command is acknowledged (its future completes normally) only with Redis's reply, so a
 * caller that acks on completion acks only what Redis took, and futures complete in submission
 * order, also when a dropped connection fails some commands (Lettuce fails those in flight on
 * its event loop while later ones are already rejected on the writer thread). With
 * {@code REJECT_COMMANDS} ({@link RedisClients}) each command is sent at most once: what was
 * unanswered when the connection dropped fails and is not re-sent after the reconnect (Redis
 * may have run it), and commands fail fast while Redis is unreachable. After {@link #close} they
 * fail with "backplane closed".
 *
 * <p>Bounded in count: the traffic clients make in volume ({@link #publish}, {@link #publishScript},
 * {@link #submitTraffic}) is refused at once with {@link Overloaded} while {@link #DEFAULT_MAX_PENDING}
 * of them (the constructor's {@code maxPending}) are waiting for Redis, queued or written and not
 * answered — a Redis that falls behind makes publishers see {@code backend_error}, not the node's
 * heap fill. The node's own state changes ({@link #submit}, {@link #eval}, {@link #submitLater}:
 * scripts for joins, leaves and connection counts, counters, reads) are never refused for that:
 * losing one would leave Redis's state wrong; there are at most a few per connection.
 *
 * <p>Thread-safe; futures complete on a Lettuce event loop thread (the writer's, in the normal case).
 */
public final class CommandPipe implements AutoCloseable {
    /** The most commands written in one batch; more wait for the next (bounded write size). */
    static final int MAX_BATCH = 1024;
    /** Traffic commands waiting for Redis (queued, or written and unanswered) beyond which more are refused. */
    public static final int DEFAULT_MAX_PENDING = 65_536;

    /** A traffic command refused because {@code maxPending} are already waiting for Redis. */
    public static final class Overloaded extends IllegalStateException {
        Overloaded(int max) {
            super("backplane overloaded: " + max + " commands are waiting for Redis");
        }
    }

    private final StatefulRedisConnection<String, String> connection;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ExecutorService writer;
    /** The command connection's event loop, where batches are written once it is known ({@link #learnLoop}). */
    private volatile Executor writeLoop;
    private final Supplier<Executor> currentLoop;
    /** Written (or being written) and not yet released to their submitters, in order; guarded by itself. */
    private final ArrayDeque<Submitted<?>> inFlight = new ArrayDeque<>();
    private final Object releasing = new Object();
    private volatile boolean closed;
    private final int maxPending;
    /** Traffic commands submitted and not yet handed back (or failed). */
    private final AtomicInteger pending = new AtomicInteger();

    /** @param threadName the writer thread's name; batches are always written from it */
    public CommandPipe(StatefulRedisConnection<String, String> connection, String threadName) {
        this(connection, threadName, DEFAULT_MAX_PENDING, () -> null);
    }

    /**
     * @param threadName  the writer thread's name
     * @param maxPending  traffic commands that may wait for Redis at once; more are refused ({@link Overloaded})
     * @param currentLoop the calling thread's event loop, or {@code null} off one (Netty's, which
     *                    this package does not import): asked in reply callbacks, to write there
     */
    public CommandPipe(StatefulRedisConnection<String, String> connection, String threadName, int maxPending,
                       Supplier<Executor> currentLoop) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1");
        }
        this.connection = connection;
        this.maxPending = maxPending;
        this.currentLoop = currentLoop;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends one of the node's own commands after everything submitted before it; completes with
     * Redis's reply. Not refused by the count bound.
     */
    public <T> CompletableFuture<T> submit(ProtocolKeyword type, CommandOutput<String, String, T> output,
                                           CommandArgs<String, String> args) {
        return submit(type, output, args, false);
    }

    /**
     * As {@link #submit}, for a command a client's message makes (a quota's counter): refused
     * with {@link Overloaded} while {@code maxPending} traffic commands wait for Redis.
     */
    public <T> CompletableFuture<T> submitTraffic(ProtocolKeyword type, CommandOutput<String, String, T> output,
                                                  CommandArgs<String, String> args) {
        return submit(type, output, args, true);
    }

    private <T> CompletableFuture<T> submit(ProtocolKeyword type, CommandOutput<String, String, T> output,
                                            CommandArgs<String, String> args, boolean traffic) {
        AsyncCommand<String, String, T> c = new AsyncCommand<>(new Command<>(type, output, args));
        Submitted<T> s = new Submitted<>(c, c, new CompletableFuture<>(), traffic, null, null);
        enqueue(s);
        return s.caller;
    }

    /** Traffic commands waiting for Redis now (queued, or written and not answered). */
    public int pending() {
        return pending.get();
    }

    /**
     * A command and what its submitter holds, completed in submission order ({@link #release});
     * {@code traffic} ones count against the bound until handed back.
     *
     * @param command what is written; {@code null} for a publish, made when written ({@link PublishRun})
     * @param done    completes with Redis's answer: the command itself, or completed from the
     *                command a publish went out in
     * @param caller  what the submitter holds; {@code null} for commands made at write time
     * @param topic   a publish's topic, else {@code null}
     */
    private record Submitted<T>(RedisCommand<String, String, T> command, CompletableFuture<T> done,
                                CompletableFuture<T> caller, boolean traffic, String topic, String payload) {
        /** Called once {@code done} is. */
        void pass() {
            T v;
            try {
                v = done.join();
            } catch (CompletionException e) {
                caller.completeExceptionally(e.getCause() == null ? e : e.getCause());
                return;
            } catch (RuntimeException e) { // cancelled
                caller.completeExceptionally(e);
                return;
            }
            caller.complete(v);
        }
    }

    /**
     * {@code PUBLISH} of a client's message (traffic: bounded); completes with the number of
     * receivers. Publishes queued one after the other leave as one command ({@link #publishes}).
     */
    public CompletableFuture<Long> publish(String topic, String payload) {
        Submitted<Long> s = new Submitted<>(null, new CompletableFuture<>(), new CompletableFuture<>(), true,
                topic, payload);
        enqueue(s);
        return s.caller;
    }

    /**
     * {@code EVAL} of a script's full text (Redis caches the compiled script), without keys.
     *
     * @param script the script's UTF-8 text
     * @param type {@link ScriptOutputType#INTEGER} or {@link ScriptOutputType#MULTI}
     */
    public <T> CompletableFuture<T> eval(byte[] script, ScriptOutputType type, String... args) {
        return submit(CommandType.EVAL, output(type), evalArgs(script, args), false);
    }

    /** As {@link #eval}, for a script that publishes a client's message (traffic: bounded). */
    public <T> CompletableFuture<T> publishScript(byte[] script, ScriptOutputType type, String... args) {
        return submit(CommandType.EVAL, output(type), evalArgs(script, args), true);
    }

    private static CommandArgs<String, String> evalArgs(byte[] script, String... args) {
        CommandArgs<String, String> a = new CommandArgs<>(StringCodec.UTF8).add(script).add(0);
        for (String arg : args) {
            a.addValue(arg);
        }
        return a;
    }

    @SuppressWarnings("unchecked")
    private static <T> CommandOutput<String, String, T> output(ScriptOutputType type) {
        return switch (type) {
            case INTEGER -> (CommandOutput<String, String, T>) new IntegerOutput<>(StringCodec.UTF8);
            case MULTI -> (CommandOutput<String, String, T>) new NestedMultiOutput<>(StringCodec.UTF8);
            default -> throw new IllegalArgumentException("unsupported script output " + type);
        };
    }

    /**
     * Reserves a place in the order for commands made only when that place is written: what
     * {@code later} returns then goes out exactly there. Lets a caller gather work (counters)
     * until the last moment while keeping it ahead of everything submitted after this call.
     */
    public void submitLater(Supplier<Collection<? extends AsyncCommand<String, String, ?>>> later) {
        enqueue(later);
    }

    private void enqueue(Object item) {
        if (closed) {
            failUncounted(item, new IllegalStateException("backplane closed"));
            return;
        }
        if (item instanceof Submitted<?> s && s.traffic && pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            s.caller.completeExceptionally(new Overloaded(maxPending));
            return;
        }
        queue.add(item);
        if (scheduled.compareAndSet(false, true)) {
            scheduleWrite();
        }
    }

    /** Runs {@link #write} on the connection's event loop once known, else on the writer thread. */
    private void scheduleWrite() {
        Executor loop = writeLoop;
        if (loop != null) {
            try {
                loop.execute(this::write);
                return;
            } catch (RejectedExecutionException e) {
                writeLoop = null; // Lettuce is shutting down: the writer thread fails or writes what is left
            }
        }
        try {
            writer.execute(this::write);
        } catch (RejectedExecutionException e) {
            drainFailed(new IllegalStateException("backplane closed", e));
        }
    }

    /**
     * One batch: what is queued now, in order, up to {@link #MAX_BATCH} commands, as one write;
     * reschedules itself while more is queued (so an event loop running it gets to its reads in
     * between). Only one runs at a time, whichever thread runs it: {@code scheduled} stays set
     * from the submission that scheduled it until it finds the queue empty.
     */
    @SuppressWarnings("unchecked")
    private void write() {
        List<RedisCommand<String, String, ?>> batch = new ArrayList<>();
        PublishRun run = new PublishRun();
        int taken = 0;
        Object item;
        while (taken < MAX_BATCH && (item = queue.poll()) != null) {
            taken++;
            if (item instanceof Submitted<?> s && s.topic != null) {
                track(s);
                run.add(s.topic, s.payload, (CompletableFuture<Long>) s.done);
                continue;
            }
            if (!run.isEmpty()) {
                batch.add(run.command());
                run = new PublishRun();
            }
            if (item instanceof Submitted<?> s) {
                track(s);
                batch.add(s.command);
            } else {
                for (RedisCommand<String, String, ?> c : made(item)) {
                    AsyncCommand<String, String, ?> a = (AsyncCommand<String, String, ?>) c;
                    track(new Submitted<>(c, (CompletableFuture) a, null, false, null, null));
                    batch.add(c);
                }
            }
        }
        if (!run.isEmpty()) {
            batch.add(run.command());
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
        if (queue.isEmpty()) {
            scheduled.set(false);
            // A submission that found the flag still set has queued its item for this writer.
            if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
        scheduleWrite();
    }

    @SuppressWarnings("unchecked")
    private static Collection<? extends AsyncCommand<String, String, ?>> made(Object later) {
        return ((Supplier<Collection<? extends AsyncCommand<String, String, ?>>>) later).get();
    }

    private void track(Submitted<?> s) {
        synchronized (inFlight) {
            inFlight.add(s);
        }
        s.done.whenComplete((v, err) -> {
            learnLoop();
            release();
        });
    }

    /**
     * Replies complete on the command connection's event loop: writing from there makes
     * Lettuce write each command straight into the channel, where from any other thread each is
     * a task handed to that loop (and the writer thread is one more thread to wake per batch).
     * Followed on every reply, so a reconnect onto another loop is picked up.
     */
    private void learnLoop() {
        Executor current = currentLoop.get();
        if (current != null && current != writeLoop) {
            writeLoop = current;
        }
    }

    /**
     * Hands finished commands to their submitters, oldest first, stopping at the first one still
     * waiting: submitters see their results in submission order even when Redis's answers do not
     * come in that order (a command failed by a disconnect while earlier ones were in flight).
     */
    private void release() {
        // One releaser at a time keeps the order; the queue's lock is not held while submitters'
        // continuations run, so the writer thread never waits for them.
        synchronized (releasing) {
            while (true) {
                Submitted<?> head;
                synchronized (inFlight) {
                    head = inFlight.peek();
                    if (head == null || !head.done.isDone()) {
                        return;
                    }
                    inFlight.poll();
                }
                if (head.traffic) {
                    pending.decrementAndGet();
                }
                if (head.caller != null) {
                    head.pass();
                }
            }
        }
    }

    private void send(List<RedisCommand<String, String, ?>> batch) {
        try {
            connection.dispatch(batch);
        } catch (RuntimeException e) {
            // Normally a rejected write completes its commands; make sure none is left waiting.
            for (RedisCommand<String, String, ?> c : batch) {
                c.completeExceptionally(e);
            }
        }
    }

    private void drainFailed(Throwable why) {
        Object item;
        while ((item = queue.poll()) != null) {
            fail(item, why);
        }
    }

    /** Fails an item that was queued (and counted). */
    private void fail(Object item, Throwable why) {
        if (item instanceof Submitted<?> s && s.traffic) {
            pending.decrementAndGet();
        }
        failUncounted(item, why);
    }

    private static void failUncounted(Object item, Throwable why) {
        if (item instanceof Submitted<?> s) {
            s.caller.completeExceptionally(why);
        } else {
            made(item).forEach(c -> c.completeExceptionally(why));
        }
    }

    /** Fails what is still queued and later submissions; commands already written still complete. */
    @Override
    public void close() {
        closed = true;
        writer.shutdown();
        drainFailed(new IllegalStateException("backplane closed"));
    }
}

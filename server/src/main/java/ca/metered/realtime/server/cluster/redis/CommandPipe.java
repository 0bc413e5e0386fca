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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The node's ordered, batched writer onto its one Redis command connection: publishes, directs,
 * history publishes, the message counter and every script leave through here, <em>in the order
 * they were submitted</em>, and whatever has been submitted while the previous batch was being
 * written leaves as the next batch in one write ({@code dispatch} of a collection: one flush,
 * one TCP segment for many commands). Redis answers a connection's commands in order, so the
 * replies, and the acks completed from them, come back in that order too.
 *
 * <p>Why one thread and not the caller's: Lettuce writes a command issued <em>on</em> its event
 * loop (a completion callback) at once, ahead of commands other threads queued before it; only
 * writing from one thread that is never the event loop keeps the submission order. Why not
 * {@code EVALSHA}: its {@code NOSCRIPT} retry could let a later command overtake an earlier one.
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
 * <p>Thread-safe; futures complete on a Lettuce event loop thread.
 */
public final class CommandPipe implements AutoCloseable {
    /** The most commands written in one batch; more wait for the next (bounded write size). */
    static final int MAX_BATCH = 1024;

    private final StatefulRedisConnection<String, String> connection;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ExecutorService writer;
    /** Written (or being written) and not yet released to their submitters, in order; guarded by itself. */
    private final ArrayDeque<Submitted<?>> inFlight = new ArrayDeque<>();
    private final Object releasing = new Object();
    private volatile boolean closed;

    /** @param threadName the writer thread's name */
    public CommandPipe(StatefulRedisConnection<String, String> connection, String threadName) {
        this.connection = connection;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends a command after everything submitted before it; completes with Redis's reply. */
    public <T> CompletableFuture<T> submit(ProtocolKeyword type, CommandOutput<String, String, T> output,
                                           CommandArgs<String, String> args) {
        Submitted<T> s = new Submitted<>(new AsyncCommand<>(new Command<>(type, output, args)), new CompletableFuture<>());
        enqueue(s);
        return s.caller;
    }

    /** A command and what its submitter holds, completed in submission order ({@link #release}). */
    private record Submitted<T>(AsyncCommand<String, String, T> command, CompletableFuture<T> caller) {
        void pass() {
            command.whenComplete((v, err) -> {
                if (err != null) {
                    caller.completeExceptionally(err);
                } else {
                    caller.complete(v);
                }
            });
        }
    }

    /** {@code PUBLISH}; completes with the number of receivers. */
    public CompletableFuture<Long> publish(String topic, String payload) {
        return submit(CommandType.PUBLISH, new IntegerOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(topic).addValue(payload));
    }

    /**
     * {@code EVAL} of a script's full text (Redis caches the compiled script), without keys.
     *
     * @param script the script's UTF-8 text
     * @param type {@link ScriptOutputType#INTEGER} or {@link ScriptOutputType#MULTI}
     */
    public <T> CompletableFuture<T> eval(byte[] script, ScriptOutputType type, String... args) {
        CommandArgs<String, String> a = new CommandArgs<>(StringCodec.UTF8).add(script).add(0);
        for (String arg : args) {
            a.addValue(arg);
        }
        return submit(CommandType.EVAL, output(type), a);
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
            fail(item, new IllegalStateException("backplane closed"));
            return;
        }
        queue.add(item);
        if (scheduled.compareAndSet(false, true)) {
            try {
                writer.execute(this::write);
            } catch (RejectedExecutionException e) {
                drainFailed(new IllegalStateException("backplane closed", e));
            }
        }
    }

    /** On the writer thread: everything queued now, in order, as few writes as the bound allows. */
    private void write() {
        scheduled.set(false);
        List<RedisCommand<String, String, ?>> batch = new ArrayList<>();
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof Submitted<?> s) {
                track(s);
                batch.add(s.command);
            } else {
                for (RedisCommand<String, String, ?> c : made(item)) {
                    track(new Submitted<>((AsyncCommand<String, String, ?>) c, null));
                    batch.add(c);
                }
            }
            if (batch.size() >= MAX_BATCH) {
                send(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
    }

    @SuppressWarnings("unchecked")
    private static Collection<? extends AsyncCommand<String, String, ?>> made(Object later) {
        return ((Supplier<Collection<? extends AsyncCommand<String, String, ?>>>) later).get();
    }

    private void track(Submitted<?> s) {
        synchronized (inFlight) {
            inFlight.add(s);
        }
        s.command.whenComplete((v, err) -> release());
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
                    if (head == null || !head.command.isDone()) {
                        return;
                    }
                    inFlight.poll();
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

    private static void fail(Object item, Throwable why) {
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

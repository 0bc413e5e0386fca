package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.server.cluster.UsagePeriod;
import ca.metered.realtime.server.cluster.UsageStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

/**
 * {@link UsageStore} in Redis. Concurrent connections: a counter per app plus per-peer counts,
 * changed by scripts that also record this node's share (so a dead node's connections are
 * un-counted by the reaper); the peak per period. Messages: a key per app and month, which
 * expires after the month: {@code INCR} per message when the app has a quota (its answer
 * decides), otherwise one {@code INCRBY} per batch of the node's {@link CommandPipe}.
 *
 * <p>Thread-safe.
 */
final class RedisUsageStore implements UsageStore {
    /** Period keys outlive their month a little, for late reads. */
    private static final long PERIOD_TTL_SECONDS = 40L * 24 * 3600;

    private final RedisAsyncCommands<String, String> redis;
    private final CommandPipe pipe;
    private final Scripts scripts;
    private final RedisKeys keys;
    private final String nodeId;
    private final Clock clock;
    /** This node's counted connections per peer; guarded by itself. */
    private final Map<PeerKey, Integer> local = new HashMap<>();
    /** Unlimited apps' messages counted here and not yet handed to the pipe, per counter key. */
    private final Map<String, AtomicLong> uncounted = new ConcurrentHashMap<>();
    /** A {@link #countCommands} is queued in the pipe and has not run yet. */
    private final AtomicBoolean countsQueued = new AtomicBoolean();

    private record PeerKey(String appId, String peerId) {
    }

    RedisUsageStore(RedisAsyncCommands<String, String> redis, CommandPipe pipe, Scripts scripts, RedisKeys keys,
                    String nodeId, Clock clock) {
        this.redis = redis;
        this.pipe = pipe;
        this.scripts = scripts;
        this.keys = keys;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Boolean> tryOpenConnection(String appId, String peerId, int max) {
        UsagePeriod p = UsagePeriod.containing(clock.instant());
        PeerKey k = new PeerKey(appId, peerId);
        CompletionStage<Long> r;
        synchronized (local) {
            local.merge(k, 1, Integer::sum); // optimistic, so a concurrent re-assert already counts it
            r = scripts.run(Scripts.Name.OPEN_CONN, ScriptOutputType.INTEGER, keys.prefix(), appId, peerId,
                    Integer.toString(max), nodeId, Long.toString(p.startUnix()), Long.toString(PERIOD_TTL_SECONDS));
        }
        return r.handle((admitted, err) -> {
            if (err != null || admitted == 0) {
                forget(k);
            }
            if (err != null) {
                throw new java.util.concurrent.CompletionException(err);
            }
            return admitted == 1;
        });
    }

    @Override
    public CompletionStage<Void> closeConnection(String appId, String peerId) {
        synchronized (local) {
            forget(new PeerKey(appId, peerId));
            return scripts.<Long>run(Scripts.Name.CLOSE_CONN, ScriptOutputType.INTEGER, keys.prefix(), appId, peerId,
                    nodeId).thenApply(n -> null);
        }
    }

    private void forget(PeerKey k) {
        synchronized (local) {
            local.computeIfPresent(k, (key, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * With a quota, one {@code INCR} whose answer decides. Unlimited, the count is added here and
     * a single {@code INCRBY} per key takes every count gathered until the pipe writes it, ahead
     * of the publish it belongs to (queued after it): one command per batch instead of one round
     * trip per message, and a message acked is a message counted.
     */
    @Override
    public CompletionStage<Boolean> countMessage(String appId, long max) {
        String key = messagesKey(appId);
        if (max <= 0) {
            uncounted.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            // Queued after the increment, and cleared by countCommands before it reads: a count
            // that countCommands misses always finds the flag clear and queues another.
            if (countsQueued.compareAndSet(false, true)) {
                pipe.submitLater(this::countCommands);
            }
            return UNLIMITED;
        }
        return pipe.submitTraffic(CommandType.INCR, new IntegerOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).addKey(key)).thenApply(n -> {
                    expireIfNew(key, n, 1);
                    return n <= max;
                });
    }

    private static final CompletionStage<Boolean> UNLIMITED = CompletableFuture.completedFuture(true);

    /** The month's message counter keys, per app; replaced when the clock leaves the month. */
    private record MessageKeys(UsagePeriod period, Map<String, String> byApp) {
    }

    private volatile MessageKeys messageKeys;

    /**
     * The app's message counter key for the month the clock is in, built once per app and month
     * rather than per message (the calendar arithmetic and the string were a tenth of a publish's
     * CPU on the publishing node).
     */
    private String messagesKey(String appId) {
        long now = Math.floorDiv(clock.millis(), 1000L);
        MessageKeys current = messageKeys;
        if (current == null || now < current.period().startUnix() || now >= current.period().endUnix()) {
            current = new MessageKeys(UsagePeriod.containing(clock.instant()), new ConcurrentHashMap<>());
            messageKeys = current;
        }
        String key = current.byApp().get(appId);
        if (key == null) {
            key = keys.messages(appId, current.period().startUnix());
            current.byApp().put(appId, key);
        }
        return key;
    }

    /** On the pipe's thread, at the counts' place in the order: one {@code INCRBY} per key. */
    private List<AsyncCommand<String, String, ?>> countCommands() {
        countsQueued.set(false);
        List<AsyncCommand<String, String, ?>> out = new ArrayList<>(1);
        uncounted.forEach((key, pending) -> {
            long n = pending.getAndSet(0);
            if (n > 0) {
                AsyncCommand<String, String, Long> c = new AsyncCommand<>(new Command<>(CommandType.INCRBY,
                        new IntegerOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).addKey(key).add(n)));
                c.thenAccept(total -> expireIfNew(key, total, n));
                out.add(c);
            }
        });
        return out;
    }

    /** The counter was created by this increment: it expires after its month. */
    private void expireIfNew(String key, long total, long added) {
        if (total == added) {
            pipe.submit(CommandType.EXPIRE, new BooleanOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).addKey(key).add(PERIOD_TTL_SECONDS));
        }
    }

    /** Read through the pipe, so this node's counts handed to it before are included. */
    @Override
    public CompletionStage<Usage> usage(String appId) {
        UsagePeriod p = UsagePeriod.containing(clock.instant());
        return pipe.submit(CommandType.MGET, new ValueListOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8)
                        .addKeys(keys.concurrent(appId), keys.peak(appId, p.startUnix()), keys.messages(appId, p.startUnix())))
                .thenApply(values -> {
                    long concurrent = Math.max(0, number(values.get(0)));
                    long peak = Math.max(concurrent, number(values.get(1)));
                    return new Usage(p.startUnix(), p.endUnix(), concurrent, peak, number(values.get(2)));
                });
    }

    @Override
    public CompletionStage<Long> connectionsOf(String appId, String peerId) {
        return redis.hget(keys.connections(appId), peerId).thenApply(RedisUsageStore::number);
    }

    /** Arguments for {@code reassert.lua}: (app, peerId, count) each. Call under {@link #lock()}. */
    List<String> reassertArgs() {
        List<String> out = new ArrayList<>();
        local.forEach((k, n) -> {
            out.add(k.appId());
            out.add(k.peerId());
            out.add(n.toString());
        });
        return out;
    }

    Object lock() {
        return local;
    }

    private static long number(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }
}

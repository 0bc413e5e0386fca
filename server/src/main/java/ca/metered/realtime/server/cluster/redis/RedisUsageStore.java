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
import java.util.concurrent.CompletionStage;

/**
 * {@link UsageStore} in Redis. Concurrent connections: a counter per app plus per-peer counts,
 * changed by scripts that also record this node's share (so a dead node's connections are
 * un-counted by the reaper); the peak per period. Messages: {@code INCR} on a key per app and
 * month, which expires after the month.
 *
 * <p>Thread-safe.
 */
final class RedisUsageStore implements UsageStore {
    /** Period keys outlive their month a little, for late reads. */
    private static final long PERIOD_TTL_SECONDS = 40L * 24 * 3600;

    private final RedisAsyncCommands<String, String> redis;
    private final Scripts scripts;
    private final RedisKeys keys;
    private final String nodeId;
    private final Clock clock;
    /** This node's counted connections per peer; guarded by itself. */
    private final Map<PeerKey, Integer> local = new HashMap<>();

    private record PeerKey(String appId, String peerId) {
    }

    RedisUsageStore(RedisAsyncCommands<String, String> redis, Scripts scripts, RedisKeys keys, String nodeId,
                    Clock clock) {
        this.redis = redis;
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

    @Override
    public CompletionStage<Boolean> countMessage(String appId, long max) {
        String key = keys.messages(appId, UsagePeriod.containing(clock.instant()).startUnix());
        return redis.incr(key).thenApply(n -> {
            if (n == 1) {
                redis.expire(key, PERIOD_TTL_SECONDS);
            }
            return max <= 0 || n <= max;
        });
    }

    @Override
    public CompletionStage<Usage> usage(String appId) {
        UsagePeriod p = UsagePeriod.containing(clock.instant());
        return redis.mget(keys.concurrent(appId), keys.peak(appId, p.startUnix()), keys.messages(appId, p.startUnix()))
                .thenApply(values -> {
                    long concurrent = Math.max(0, number(values.get(0).getValueOrElse(null)));
                    long peak = Math.max(concurrent, number(values.get(1).getValueOrElse(null)));
                    return new Usage(p.startUnix(), p.endUnix(), concurrent, peak,
                            number(values.get(2).getValueOrElse(null)));
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

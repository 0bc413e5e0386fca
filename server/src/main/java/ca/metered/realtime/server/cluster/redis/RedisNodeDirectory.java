package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.server.cluster.NodeDirectory;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The node directory in Redis: the live nodes are the heartbeat set ({@code nodes}, scored by
 * the last beat); each node's report is a hash ({@code node:<id>:info}) that expires after the
 * node timeout unless refreshed, so a dead node's numbers disappear with it.
 *
 * <p>Thread-safe; stages complete on a Lettuce thread.
 */
final class RedisNodeDirectory implements NodeDirectory {
    private final RedisAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final String nodeId;
    private final Duration ttl;

    RedisNodeDirectory(RedisAsyncCommands<String, String> redis, RedisKeys keys, String nodeId, Duration ttl) {
        this.redis = redis;
        this.keys = keys;
        this.nodeId = nodeId;
        this.ttl = ttl;
    }

    @Override
    public void report(NodeReport r) {
        String key = keys.nodeInfo(nodeId);
        // Best effort: a lost report only leaves the dashboard a second behind.
        redis.hset(key, Map.of(
                "version", r.version(),
                "startedAt", Long.toString(r.startedAt()),
                "connections", Integer.toString(r.connections()),
                "receivedPerSecond", Double.toString(r.receivedPerSecond()),
                "deliveredPerSecond", Double.toString(r.deliveredPerSecond()),
                "heapUsedBytes", Long.toString(r.heapUsedBytes()),
                "heapMaxBytes", Long.toString(r.heapMaxBytes())));
        redis.pexpire(key, ttl.toMillis());
    }

    @Override
    public CompletionStage<List<NodeEntry>> list() {
        return redis.zrangeWithScores(keys.nodes(), 0, -1).thenCompose(live -> {
            List<CompletableFuture<NodeEntry>> entries = new ArrayList<>(live.size());
            for (ScoredValue<String> node : live) {
                RedisFuture<Map<String, String>> info = redis.hgetall(keys.nodeInfo(node.getValue()));
                entries.add(info.toCompletableFuture()
                        .thenApply(h -> new NodeEntry(node.getValue(), (long) node.getScore(), parse(h))));
            }
            return CompletableFuture.allOf(entries.toArray(CompletableFuture[]::new))
                    .thenApply(ok -> entries.stream().map(CompletableFuture::join).toList());
        });
    }

    /** A report from its hash, or null when it expired or is not readable (another version wrote it). */
    private static NodeReport parse(Map<String, String> h) {
        if (h == null || h.isEmpty()) {
            return null;
        }
        try {
            return new NodeReport(h.get("version"), Long.parseLong(h.get("startedAt")),
                    Integer.parseInt(h.get("connections")), Double.parseDouble(h.get("receivedPerSecond")),
                    Double.parseDouble(h.get("deliveredPerSecond")), Long.parseLong(h.get("heapUsedBytes")),
                    Long.parseLong(h.get("heapMaxBytes")));
        } catch (RuntimeException e) {
            return null;
        }
    }
}

package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.server.cluster.ControlChannel;
import ca.metered.realtime.server.cluster.UsageStore;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.concurrent.CompletionStage;

/**
 * {@link ControlChannel} over one Redis control topic every node subscribes to. A kick reports
 * the peer's cluster-wide connection count just before it was published (docs/clustering.md),
 * because nodes close their connections asynchronously and do not answer.
 *
 * <p>Thread-safe.
 */
final class RedisControlChannel implements ControlChannel {
    private final RedisAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final UsageStore usage;

    RedisControlChannel(RedisAsyncCommands<String, String> redis, RedisKeys keys, UsageStore usage) {
        this.redis = redis;
        this.keys = keys;
        this.usage = usage;
    }

    @Override
    public CompletionStage<Integer> kick(String appId, String peerId) {
        return usage.connectionsOf(appId, peerId).thenCompose(n ->
                redis.publish(keys.controlTopic(), Envelope.kick(appId, peerId)).thenApply(ignored -> n.intValue()));
    }
}

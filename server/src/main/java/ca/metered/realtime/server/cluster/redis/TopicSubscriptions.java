package ca.metered.realtime.server.cluster.redis;

import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reference-counted topic and pattern subscriptions on the node's one pub/sub connection: one
 * Redis subscription per topic per node however many local users it has. Subscribe and
 * unsubscribe are issued under this object's lock, so Redis sees them in the order the counts
 * changed. Lettuce re-subscribes everything after a reconnect.
 *
 * <p>Thread-safe.
 */
final class TopicSubscriptions {
    private final RedisPubSubAsyncCommands<String, String> pubsub;
    private final Map<String, Entry> topics = new HashMap<>();
    private final Map<String, Entry> patterns = new HashMap<>();

    TopicSubscriptions(RedisPubSubAsyncCommands<String, String> pubsub) {
        this.pubsub = pubsub;
    }

    private static final class Entry {
        int refs;
        CompletionStage<Void> ready;
    }

    /** Completes once Redis confirmed the subscription (traffic published later reaches us). */
    synchronized CompletionStage<Void> acquire(String topic, boolean pattern) {
        Map<String, Entry> map = pattern ? patterns : topics;
        Entry e = map.get(topic);
        if (e == null) {
            e = new Entry();
            CompletableFuture<Void> sent = (pattern ? pubsub.psubscribe(topic) : pubsub.subscribe(topic))
                    .toCompletableFuture();
            e.ready = sent;
            map.put(topic, e);
        }
        e.refs++;
        return e.ready;
    }

    /** The topics (not patterns) subscribed now. */
    synchronized java.util.Set<String> topics() {
        return java.util.Set.copyOf(topics.keySet());
    }

    synchronized void release(String topic, boolean pattern) {
        Map<String, Entry> map = pattern ? patterns : topics;
        Entry e = map.get(topic);
        if (e != null && --e.refs <= 0) {
            map.remove(topic);
            if (pattern) {
                pubsub.punsubscribe(topic);
            } else {
                pubsub.unsubscribe(topic);
            }
        }
    }
}

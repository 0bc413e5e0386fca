package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Each app's ordered log of decided events that are not yet done with, shared by the cluster:
 * producers on any node append, one node at a time (the holder of the app's lease) reads and
 * delivers, and marks entries done once every endpoint had them (or gave them up). An entry
 * still in the log when its reader dies is read again by the next lease holder: that is what
 * makes delivery at-least-once across node crashes (docs/webhooks.md "Clusters").
 *
 * <p>{@link InMemoryEventLog} serves a node alone; {@code webhook.redis.RedisEventLog} a cluster
 * (a Redis Stream per app). Both pass {@code EventLogContract}.
 *
 * <p>Implementations are thread-safe; no call blocks. Stages complete on the implementation's
 * threads.
 */
public interface EventLog extends AutoCloseable {

    /** An id before every entry: reading after it starts at the oldest entry not done. */
    String START = "0-0";

    /**
     * Declares an app's log: at most {@code capacity} entries not done; appends beyond it are
     * dropped and counted ({@link #takeDropped}). {@code presence} says whether presence
     * decisions should be logged (the Redis presence scripts append them themselves).
     */
    CompletionStage<Void> configure(String appId, int capacity, boolean presence);

    /**
     * Appends an event decided on this node now. Never blocks: when the log is full, or
     * unreachable, or too many appends are already on their way, the event is dropped and the
     * stage says why (it never completes exceptionally).
     */
    CompletionStage<Append> append(String appId, WebhookEvent event);

    /**
     * The entries after {@code after.get(app)} (exclusive), oldest first, at most {@code max} per
     * app; waits up to {@code wait} when there is none. Apps without entries are absent from the
     * answer.
     */
    CompletionStage<Map<String, List<Logged>>> read(Map<String, String> after, int max, Duration wait);

    /** Takes entries out of the log for good: they were delivered or given up. */
    void done(String appId, Collection<String> ids);

    /**
     * Takes or renews this node's lease on reading the app's log; completes with whether this
     * node holds it for {@code ttl} from now.
     */
    CompletionStage<Boolean> lead(String appId, Duration ttl);

    /** Gives the lease up if this node holds it (graceful stop), so another node takes over at once. */
    CompletionStage<Void> resign(String appId);

    /**
     * Events that the log itself dropped because the app's log was full (presence decisions the
     * Redis scripts could not append), since the last call; resets the count. Appends through
     * {@link #append} are not counted here: their stage tells the caller.
     */
    CompletionStage<Long> takeDropped(String appId);

    /** What became of an {@link #append}. */
    enum Append {
        LOGGED,
        /** The app's log holds its capacity of entries not done. */
        FULL,
        /** The log could not be reached, or too many appends were on their way to it. */
        UNAVAILABLE
    }

    /** Releases what the log holds on this node (connections, threads); the log's contents stay. */
    @Override
    void close();
}

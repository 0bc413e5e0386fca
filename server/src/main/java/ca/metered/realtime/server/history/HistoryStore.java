package ca.metered.realtime.server.history;

import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.concurrent.CompletionStage;

/**
 * The read side of channel history (docs/protocol.md 9), the same over every backplane. Writes are
 * part of publishing (each implementation's {@code publish}), because an offset must be assigned
 * atomically with the fan-out: then every node sees a channel's messages in offset order.
 *
 * <p>A read of a channel that has no history yet starts one: a new epoch at offset 0. A channel
 * idle (no publish, no read) for its {@code ttl} loses its history, and its next one has a new
 * epoch.
 *
 * <p>Implementations are thread-safe. Stages complete on the store's thread (the caller's own in
 * memory, a Lettuce thread with Redis).
 */
public interface HistoryStore {

    /** Reads a channel's history. Fails only when the store is unreachable. */
    CompletionStage<HistoryRead> read(String appId, String channel, Retention retention, HistoryQuery query);

    /** The channel's position now. */
    default CompletionStage<StreamPosition> position(String appId, String channel, Retention retention) {
        return read(appId, channel, retention, HistoryQuery.positionOnly()).thenApply(HistoryRead::position);
    }
}

package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.frame.StreamPosition;

/**
 * What a publish came to (docs/protocol.md 2.1, 9).
 *
 * <p>Immutable; thread-safe.
 *
 * @param receivers the receivers the broker knows of (connections in memory, nodes over Redis)
 * @param position  the message's position on a channel with history, else {@code null}
 * @param repeated  the idempotency key had been used on the channel within the window: nothing was
 *                  delivered, and receivers and position are the first publish's
 */
public record Published(int receivers, StreamPosition position, boolean repeated) {
}

package ca.metered.realtime.server.history;

import ca.metered.realtime.protocol.frame.StreamPosition;

/**
 * What a publish through the history or idempotency path came to.
 *
 * <p>Immutable; thread-safe.
 *
 * @param position  the message's position, or {@code null} on a channel without history
 * @param receivers the receivers the fan-out reached (connections in memory, nodes over Redis)
 * @param repeated  {@code true} when the idempotency key had been used on the channel within the
 *                  window: nothing was delivered, and position and receivers are the first
 *                  publish's
 */
public record Appended(StreamPosition position, int receivers, boolean repeated) {

    Appended asRepeat() {
        return new Appended(position, receivers, true);
    }
}

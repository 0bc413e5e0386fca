package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.frame.PresenceMembers;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.Objects;

/**
 * What a successful subscribe answers, handed to the caller right before the channel's frames
 * start flowing: the presence snapshot and, on a channel with history, where the subscription
 * starts (docs/protocol.md 2.3, 9).
 *
 * <p>Immutable; thread-safe.
 *
 * @param presence  the snapshot, without the subscriber's own peerId (empty for a pattern), encoded
 * @param position  the channel's position the subscription starts after; {@code null} on a
 *                  channel without history
 * @param recovered only when the subscribe asked for recovery: whether every missed message
 *                  follows the ack; otherwise {@code null}
 */
public record Joined(PresenceMembers presence, StreamPosition position, Boolean recovered) {
    public Joined {
        Objects.requireNonNull(presence, "presence");
    }
}

package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.List;

/**
 * Where a subscription to a channel with history starts (docs/protocol.md 9), given to
 * {@link Subscription#activate}: the position its ack names, the missed messages to replay right
 * after the ack (already encoded for this subscriber), and whether it asked for recovery (then it
 * gets {@code resubscribe} hints when this node may have missed messages of the channel).
 *
 * <p>Immutable; thread-safe.
 *
 * @param position the channel's position the subscription starts after: held messages at or
 *                 before it are not delivered (they are in the replay, or older than the
 *                 subscription); {@code null} on a channel without history
 */
public record Start(StreamPosition position, List<byte[]> replay, boolean wantsHints) {
    /** A channel without history, or a subscriber that asked for nothing. */
    public static final Start NONE = new Start(null, List.of(), false);

    public Start {
        replay = List.copyOf(replay);
    }
}

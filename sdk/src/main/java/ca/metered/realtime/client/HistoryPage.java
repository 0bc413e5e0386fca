package ca.metered.realtime.client;

import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.List;

/**
 * The answer to {@link SignallingClient#history}: messages oldest first, each with its position,
 * and the channel's position when the server answered. Page on with
 * {@code history(channel, limit, lastMessage.position())} while the last message's offset is below
 * {@code position}'s. Immutable.
 *
 * @param messages the messages (the newest {@code limit}, or the oldest {@code limit} after {@code since})
 * @param position the channel's current position
 */
public record HistoryPage(List<ClientEvent.Message> messages, StreamPosition position) {
    public HistoryPage {
        messages = List.copyOf(messages);
    }
}

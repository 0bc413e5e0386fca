package ca.metered.realtime.server.history;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.Objects;

/**
 * One message as a channel's history keeps it.
 *
 * <p>Immutable; thread-safe.
 *
 * @param offset       its offset in the channel's epoch, {@code >= 1}
 * @param publishedAt  when the store took it, Unix milliseconds (the store's clock: Redis's own
 *                     with Redis), for the ttl
 * @param from         the sender's peerId
 * @param data         the payload, verbatim
 * @param fromMetadata the sender's peerMetadata, or {@code null}
 */
public record HistoryEntry(long offset, long publishedAt, String from, RawJson data, RawJson fromMetadata) {
    /** Bytes a {@code message} frame adds around the fields counted in {@link #weight}. */
    private static final int FRAME_OVERHEAD = 96;

    public HistoryEntry {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(data, "data");
    }

    /**
     * About how many bytes its {@code message} frame takes on a channel of {@code channelLength}
     * chars (chars, not UTF-8 bytes: an estimate for byte budgets, never exceeded by more than
     * the multi-byte characters in it).
     */
    public long weight(int channelLength) {
        return frameOverhead(channelLength) + from.length() + data.json().length()
                + (fromMetadata == null ? 0 : fromMetadata.json().length());
    }

    /** What {@link #weight} adds to the message's own fields on a channel of {@code channelLength} chars. */
    public static long frameOverhead(int channelLength) {
        return FRAME_OVERHEAD + channelLength;
    }

    /** The {@code message} frame that carries it; {@code fromMetadata} only when asked for. */
    public ServerFrame.Message toMessage(String channel, String epoch, boolean includeMetadata) {
        return new ServerFrame.Message(channel, from, data, includeMetadata ? fromMetadata : null,
                new StreamPosition(epoch, offset));
    }
}

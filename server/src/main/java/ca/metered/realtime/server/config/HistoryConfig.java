package ca.metered.realtime.server.config;

import ca.metered.realtime.protocol.ChannelPattern;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One entry of an app's {@code history} list (docs/protocol.md 9, docs/configuration.md): the
 * channels it covers keep their last {@code size} messages for at most {@code ttl} each. A
 * channel takes the first entry that matches it; a channel no entry matches keeps no history
 * and its frames are unchanged.
 *
 * <p>Immutable; thread-safe.
 *
 * @param channels globs (docs/protocol.md 2.4), at least one
 * @param size     messages kept per channel, {@value #MIN_SIZE}-{@value #MAX_SIZE}
 * @param ttl      how long a message is kept, {@link #MIN_TTL} to {@link #MAX_TTL}; also how long
 *                 an idle channel's position is kept
 */
public record HistoryConfig(List<ChannelPattern> channels, int size, Duration ttl) {
    public static final int MIN_SIZE = 1;
    /** Bounds memory: one channel holds at most this many messages of up to maxMessageSize each. */
    public static final int MAX_SIZE = 10_000;
    public static final Duration MIN_TTL = Duration.ofSeconds(1);
    public static final Duration MAX_TTL = Duration.ofHours(24);

    public HistoryConfig {
        channels = List.copyOf(channels);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("channels must not be empty");
        }
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("size out of range: " + size);
        }
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl out of range: " + ttl);
        }
    }

    /** Whether this entry covers a concrete channel name. */
    public boolean covers(String channel) {
        for (ChannelPattern p : channels) {
            if (p.matches(channel)) {
                return true;
            }
        }
        return false;
    }
}

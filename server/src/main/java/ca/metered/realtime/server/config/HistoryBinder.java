package ca.metered.realtime.server.config;

import ca.metered.realtime.protocol.ChannelPattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds an app's {@code history} list and {@code idempotencyWindow} (docs/protocol.md 9), holding
 * each to its bounds so that what a channel can make the server keep is limited in count and time.
 *
 * <p>Stateless; thread-safe.
 */
final class HistoryBinder {
    /** The publish deduplication window when the app gives none (docs/protocol.md 9). */
    static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofMinutes(5);
    static final Duration MIN_IDEMPOTENCY_WINDOW = Duration.ofSeconds(1);
    static final Duration MAX_IDEMPOTENCY_WINDOW = Duration.ofHours(1);

    private HistoryBinder() {
    }

    static List<HistoryConfig> history(ConfigNode list) throws ConfigException {
        if (!list.isPresent()) {
            return List.of();
        }
        List<HistoryConfig> out = new ArrayList<>();
        for (ConfigNode entry : list.elements()) {
            out.add(entry(entry));
        }
        return List.copyOf(out);
    }

    static Duration idempotencyWindow(ConfigNode node) throws ConfigException {
        Duration window = node.duration(DEFAULT_IDEMPOTENCY_WINDOW);
        if (window.compareTo(MIN_IDEMPOTENCY_WINDOW) < 0 || window.compareTo(MAX_IDEMPOTENCY_WINDOW) > 0) {
            throw node.error("must be between 1s and 1h");
        }
        return window;
    }

    private static HistoryConfig entry(ConfigNode entry) throws ConfigException {
        ConfigNode channelsNode = entry.field("channels");
        if (!channelsNode.isPresent()) {
            throw channelsNode.error("required (the channel patterns that keep history, e.g. [\"chat/*\"])");
        }
        List<ChannelPattern> channels = new ArrayList<>();
        for (ConfigNode element : channelsNode.elements()) {
            try {
                channels.add(ChannelPattern.compile(element.text()));
            } catch (IllegalArgumentException e) {
                throw element.error("invalid channel pattern: " + e.getMessage());
            }
        }
        if (channels.isEmpty()) {
            throw channelsNode.error("must not be empty");
        }
        ConfigNode sizeNode = entry.field("size");
        if (!sizeNode.isPresent()) {
            throw sizeNode.error("required (messages kept per channel, " + HistoryConfig.MIN_SIZE + "-"
                    + HistoryConfig.MAX_SIZE + ")");
        }
        int size = sizeNode.intValue(HistoryConfig.MIN_SIZE, HistoryConfig.MAX_SIZE, 0);
        ConfigNode ttlNode = entry.field("ttl");
        if (!ttlNode.isPresent()) {
            throw ttlNode.error("required (how long a message is kept, 1s-24h, e.g. 10m)");
        }
        Duration ttl = ttlNode.duration(null);
        if (ttl.compareTo(HistoryConfig.MIN_TTL) < 0 || ttl.compareTo(HistoryConfig.MAX_TTL) > 0) {
            throw ttlNode.error("must be between 1s and 24h");
        }
        entry.rejectUnknownFields();
        return new HistoryConfig(channels, size, ttl);
    }
}

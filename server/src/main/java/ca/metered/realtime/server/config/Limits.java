package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-app limits (docs/protocol.md 5). Every field has a default matching the hosted service.
 *
 * <p>Immutable; thread-safe.
 *
 * @param maxMessageSize largest inbound payload in bytes, 1 KiB–16 MiB; default 65536
 * @param maxChannelsPerConnection subscriptions per connection; default 100
 * @param messageRate sustained client frames per second per connection; default 100
 * @param messageBurst token-bucket capacity per connection, ≥ 1; default 200
 * @param maxConcurrentConnections connections per app, over it close 4010; default 10000
 * @param maxMessagesPerPeriod publish + send per period per app, 0 for unlimited; default 0
 * @param maxTokenLifetime the longest lifetime a JWT may claim: a token whose {@code exp} is
 *     further than this from now, or from its own {@code iat}, is refused with 4001 instead of
 *     being honoured (docs/security.md); default 24 h, the longest {@code POST /v1/tokens} mints
 */
public record Limits(
        int maxMessageSize,
        int maxChannelsPerConnection,
        int messageRate,
        int messageBurst,
        int maxConcurrentConnections,
        long maxMessagesPerPeriod,
        Duration maxTokenLifetime) {

    public static final int DEFAULT_MAX_MESSAGE_SIZE = 65536;
    public static final int MIN_MESSAGE_SIZE = 1024;
    public static final int MAX_MESSAGE_SIZE = 16 << 20;
    public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = 100;
    public static final int DEFAULT_MESSAGE_RATE = 100;
    public static final int DEFAULT_MESSAGE_BURST = 200;
    public static final int DEFAULT_MAX_CONCURRENT_CONNECTIONS = 10000;
    public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(24);
    public static final Duration MIN_TOKEN_LIFETIME = Duration.ofMinutes(1);

    public Limits {
        Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime");
    }

    /** Whether a message quota applies at all. */
    public boolean hasMessageQuota() {
        return maxMessagesPerPeriod > 0;
    }

    /** Every limit at its default. */
    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_CHANNELS_PER_CONNECTION,
                DEFAULT_MESSAGE_RATE, DEFAULT_MESSAGE_BURST, DEFAULT_MAX_CONCURRENT_CONNECTIONS, 0,
                DEFAULT_MAX_TOKEN_LIFETIME);
    }
}

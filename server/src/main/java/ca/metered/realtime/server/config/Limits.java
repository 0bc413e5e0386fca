package ca.metered.realtime.server.config;

/**
 * Per-app limits (protocol.md 5). Every field has a default matching the hosted service.
 *
 * <p>Immutable; thread-safe.
 *
 * @param maxMessageSize largest inbound payload in bytes, 1 KiB–16 MiB; default 65536
 * @param maxChannelsPerConnection subscriptions per connection; default 100
 * @param messageRate sustained client frames per second per connection; default 100
 * @param messageBurst token-bucket capacity per connection, ≥ 1; default 200
 * @param maxConcurrentConnections connections per app, over it close 4010; default 10000
 * @param maxMessagesPerPeriod publish + send per period per app, 0 for unlimited; default 0
 */
public record Limits(
        int maxMessageSize,
        int maxChannelsPerConnection,
        int messageRate,
        int messageBurst,
        int maxConcurrentConnections,
        long maxMessagesPerPeriod) {

    public static final int DEFAULT_MAX_MESSAGE_SIZE = 65536;
    public static final int MIN_MESSAGE_SIZE = 1024;
    public static final int MAX_MESSAGE_SIZE = 16 << 20;
    public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = 100;
    public static final int DEFAULT_MESSAGE_RATE = 100;
    public static final int DEFAULT_MESSAGE_BURST = 200;
    public static final int DEFAULT_MAX_CONCURRENT_CONNECTIONS = 10000;

    /** Whether a message quota applies at all. */
    public boolean hasMessageQuota() {
        return maxMessagesPerPeriod > 0;
    }

    /** Every limit at its default. */
    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_CHANNELS_PER_CONNECTION,
                DEFAULT_MESSAGE_RATE, DEFAULT_MESSAGE_BURST, DEFAULT_MAX_CONCURRENT_CONNECTIONS, 0);
    }
}

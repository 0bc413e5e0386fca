package ca.metered.realtime.client;

/**
 * Options of one {@link SignallingClient#subscribe(String, SubscribeOptions)}.
 *
 * @param includeSenderMetadata when {@code true}, {@link ClientEvent.Message} events on this channel
 *                              carry the sender's {@code peerMetadata} in {@code fromMetadata}
 */
public record SubscribeOptions(boolean includeSenderMetadata) {
    /** No sender metadata (the default). */
    public static final SubscribeOptions DEFAULT = new SubscribeOptions(false);

    /** Shorthand for {@code new SubscribeOptions(true)}. */
    public static SubscribeOptions withSenderMetadata() {
        return new SubscribeOptions(true);
    }
}

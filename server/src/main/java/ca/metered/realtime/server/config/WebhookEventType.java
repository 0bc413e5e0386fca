package ca.metered.realtime.server.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a webhook can be told (docs/webhooks.md). The wire name is what the configuration lists
 * under {@code apps[].webhooks[].events} and what each event's {@code type} says.
 *
 * <p>Immutable; thread-safe.
 */
public enum WebhookEventType {
    /** A connection of a peer opened (the welcome went out), on the node that hosts it. */
    PEER_CONNECTED("peer.connected", false),
    /** A connection closed, with the close code and reason. */
    PEER_DISCONNECTED("peer.disconnected", false),
    /** A channel got its first subscriber over the cluster. */
    CHANNEL_OCCUPIED("channel.occupied", true),
    /** A channel lost its last subscriber over the cluster (after the flap grace). */
    CHANNEL_VACATED("channel.vacated", true),
    /** A peer's first presence-enabled connection joined a channel, cluster-wide. */
    PRESENCE_JOINED("presence.joined", true),
    /** A peer's last presence-enabled connection left a channel (after the flap grace). */
    PRESENCE_LEFT("presence.left", true),
    /** A message was published to a channel; only sent when listed (it can be a lot). */
    MESSAGE_PUBLISHED("message.published", true);

    private final String wireName;
    private final boolean channelScoped;

    WebhookEventType(String wireName, boolean channelScoped) {
        this.wireName = wireName;
        this.channelScoped = channelScoped;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the event concerns one channel (and so is filtered by a webhook's {@code channels}). */
    public boolean channelScoped() {
        return channelScoped;
    }

    public static Optional<WebhookEventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** The wire names, for error messages. */
    public static String wireNames() {
        return String.join(", ", Arrays.stream(values()).map(WebhookEventType::wireName).toList());
    }

    @Override
    public String toString() {
        return wireName;
    }
}

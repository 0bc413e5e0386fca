package ca.metered.realtime.server.webhook;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.config.WebhookEventType;
import java.util.Objects;

/**
 * Something that happened in an app and that webhooks may be told (docs/webhooks.md), as decided
 * once for the cluster. The fields are those of the JSON event; {@link Logged} adds the id and
 * time the event log gave it.
 *
 * <p>Immutable; thread-safe.
 */
public sealed interface WebhookEvent {

    WebhookEventType type();

    /** The channel a channel event is about; {@code null} for peer events. */
    default String channel() {
        return null;
    }

    /**
     * A connection opened: its welcome may go out.
     *
     * @param connectionId opaque, unique in the cluster; the same in the connection's {@code peer.disconnected}
     * @param metadata     the peer's {@code peerMetadata}; {@code null} for none
     */
    record PeerConnected(String peerId, String connectionId, RawJson metadata) implements WebhookEvent {
        public PeerConnected {
            Objects.requireNonNull(peerId, "peerId");
            Objects.requireNonNull(connectionId, "connectionId");
        }

        @Override
        public WebhookEventType type() {
            return WebhookEventType.PEER_CONNECTED;
        }
    }

    /** A connection closed with {@code code} (docs/protocol.md 4) and {@code reason} (possibly empty). */
    record PeerDisconnected(String peerId, String connectionId, int code, String reason) implements WebhookEvent {
        public PeerDisconnected {
            Objects.requireNonNull(peerId, "peerId");
            Objects.requireNonNull(connectionId, "connectionId");
            reason = reason == null ? "" : reason;
        }

        @Override
        public WebhookEventType type() {
            return WebhookEventType.PEER_DISCONNECTED;
        }
    }

    /** The channel got its first subscriber over the cluster. */
    record ChannelOccupied(String channel) implements WebhookEvent {
        public ChannelOccupied {
            Objects.requireNonNull(channel, "channel");
        }

        @Override
        public WebhookEventType type() {
            return WebhookEventType.CHANNEL_OCCUPIED;
        }
    }

    /** The channel lost its last subscriber over the cluster. */
    record ChannelVacated(String channel) implements WebhookEvent {
        public ChannelVacated {
            Objects.requireNonNull(channel, "channel");
        }

        @Override
        public WebhookEventType type() {
            return WebhookEventType.CHANNEL_VACATED;
        }
    }

    /** The peer's first presence-enabled connection joined the channel (docs/protocol.md 2.3 {@code joined}). */
    record PresenceJoined(String channel, String peerId, RawJson metadata) implements WebhookEvent {
        public PresenceJoined {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(peerId, "peerId");
        }

        @Override
        public WebhookEventType type() {
            return WebhookEventType.PRESENCE_JOINED;
        }
    }

    /** The peer's last presence-enabled connection left the channel (docs/protocol.md 2.3 {@code left}). */
    record PresenceLeft(String channel, String peerId) implements WebhookEvent {
        public PresenceLeft {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(peerId, "peerId");
        }

        @Override
        public WebhookEventType type() {
            return WebhookEventType.PRESENCE_LEFT;
        }
    }

    /**
     * A message was published to the channel.
     *
     * @param from         the sender's peerId, as subscribers see it ({@code "server"} by default for REST)
     * @param data         the payload, exactly as published
     * @param fromMetadata the sender's {@code peerMetadata}; {@code null} for none
     */
    record MessagePublished(String channel, String from, RawJson data, RawJson fromMetadata) implements WebhookEvent {
        public MessagePublished {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public WebhookEventType type() {
            return WebhookEventType.MESSAGE_PUBLISHED;
        }
    }

    /**
     * An event as the log holds it.
     *
     * @param id   unique in the app and stable across redeliveries: what a receiver deduplicates by
     * @param time when it was decided, epoch milliseconds
     */
    record Logged(String id, long time, WebhookEvent event) {
        public Logged {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(event, "event");
        }
    }
}

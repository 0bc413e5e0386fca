package ca.metered.realtime.server.webhook.redis;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.config.WebhookEventType;
import ca.metered.realtime.server.webhook.WebhookEvent;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelOccupied;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelVacated;
import ca.metered.realtime.server.webhook.WebhookEvent.MessagePublished;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceJoined;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceLeft;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An event as the fields of a stream entry: {@code t} (the type's wire name), then {@code ch},
 * {@code peer}, {@code conn}, {@code code}, {@code reason}, {@code meta}, {@code from},
 * {@code data} as the type needs; absent metadata is left out (the presence scripts write an
 * empty {@code meta} for none). The Lua scripts write the same names (prelude.lua).
 *
 * <p>Stateless; thread-safe.
 */
final class EventFields {
    private EventFields() {
    }

    /** Field, value, field, value… */
    static List<String> encode(WebhookEvent event) {
        List<String> f = new ArrayList<>(12);
        put(f, "t", event.type().wireName());
        // A switch expression over the type is exhaustive: a new event type fails to compile here.
        boolean encoded = switch (event.type()) {
            case PEER_CONNECTED -> {
                PeerConnected e = (PeerConnected) event;
                put(f, "peer", e.peerId());
                put(f, "conn", e.connectionId());
                put(f, "meta", e.metadata() == null ? null : e.metadata().json());
                yield true;
            }
            case PEER_DISCONNECTED -> {
                PeerDisconnected e = (PeerDisconnected) event;
                put(f, "peer", e.peerId());
                put(f, "conn", e.connectionId());
                put(f, "code", Integer.toString(e.code()));
                put(f, "reason", e.reason());
                yield true;
            }
            case CHANNEL_OCCUPIED, CHANNEL_VACATED -> {
                put(f, "ch", event.channel());
                yield true;
            }
            case PRESENCE_JOINED -> {
                PresenceJoined e = (PresenceJoined) event;
                put(f, "ch", e.channel());
                put(f, "peer", e.peerId());
                put(f, "meta", e.metadata() == null ? null : e.metadata().json());
                yield true;
            }
            case PRESENCE_LEFT -> {
                PresenceLeft e = (PresenceLeft) event;
                put(f, "ch", e.channel());
                put(f, "peer", e.peerId());
                yield true;
            }
            case MESSAGE_PUBLISHED -> {
                MessagePublished e = (MessagePublished) event;
                put(f, "ch", e.channel());
                put(f, "from", e.from());
                put(f, "data", e.data().json());
                put(f, "meta", e.fromMetadata() == null ? null : e.fromMetadata().json());
                yield true;
            }
        };
        assert encoded;
        return f;
    }

    /** The event of an entry; empty when the entry is not one this version can read. */
    static Optional<WebhookEvent> decode(Map<String, String> f) {
        Optional<WebhookEventType> type = WebhookEventType.fromWireName(f.getOrDefault("t", ""));
        if (type.isEmpty()) {
            return Optional.empty();
        }
        try {
            WebhookEvent event = switch (type.get()) {
                case PEER_CONNECTED -> new PeerConnected(f.get("peer"), f.get("conn"), json(f.get("meta")));
                case PEER_DISCONNECTED -> new PeerDisconnected(f.get("peer"), f.get("conn"),
                        Integer.parseInt(f.get("code")), f.get("reason"));
                case CHANNEL_OCCUPIED -> new ChannelOccupied(f.get("ch"));
                case CHANNEL_VACATED -> new ChannelVacated(f.get("ch"));
                case PRESENCE_JOINED -> new PresenceJoined(f.get("ch"), f.get("peer"), json(f.get("meta")));
                case PRESENCE_LEFT -> new PresenceLeft(f.get("ch"), f.get("peer"));
                case MESSAGE_PUBLISHED -> new MessagePublished(f.get("ch"), f.get("from"),
                        RawJson.of(f.get("data")), json(f.get("meta")));
            };
            return Optional.of(event);
        } catch (RuntimeException e) {
            return Optional.empty(); // a field missing or malformed
        }
    }

    private static RawJson json(String text) {
        return text == null || text.isEmpty() ? null : RawJson.of(text);
    }

    private static void put(List<String> f, String name, String value) {
        if (value != null) {
            f.add(name);
            f.add(value);
        }
    }
}

package ca.metered.realtime.server.webhook;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.WebhookEvent.MessagePublished;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceJoined;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceLeft;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes the body of one delivery (docs/webhooks.md "Body"):
 * {@code {"id","time","appId","events":[{"id","type","time",…fields}]}}. Payloads
 * ({@code data}, metadata) are spliced in as the sender's exact JSON text.
 *
 * <p>Stateless; thread-safe.
 */
final class WebhookBody {
    private static final JsonFactory JSON = new JsonFactory();

    private WebhookBody() {
    }

    /** The UTF-8 bytes of a body; these exact bytes are signed and sent. */
    static byte[] encode(String deliveryId, long time, String appId, List<Logged> events) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(256 + 128 * events.size());
             JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", deliveryId);
            g.writeNumberField("time", time);
            g.writeStringField("appId", appId);
            g.writeArrayFieldStart("events");
            for (Logged e : events) {
                event(g, e);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory output: cannot happen
        }
    }

    private static void event(JsonGenerator g, Logged logged) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", logged.id());
        g.writeStringField("type", logged.event().type().wireName());
        g.writeNumberField("time", logged.time());
        WebhookEvent ev = logged.event();
        // A switch expression over the type is exhaustive: a new event type fails to compile here.
        boolean written = switch (ev.type()) {
            case PEER_CONNECTED -> {
                PeerConnected e = (PeerConnected) ev;
                g.writeStringField("peerId", e.peerId());
                g.writeStringField("connectionId", e.connectionId());
                raw(g, "metadata", e.metadata());
                yield true;
            }
            case PEER_DISCONNECTED -> {
                PeerDisconnected e = (PeerDisconnected) ev;
                g.writeStringField("peerId", e.peerId());
                g.writeStringField("connectionId", e.connectionId());
                g.writeNumberField("code", e.code());
                g.writeStringField("reason", e.reason());
                yield true;
            }
            case CHANNEL_OCCUPIED, CHANNEL_VACATED -> {
                g.writeStringField("channel", ev.channel());
                yield true;
            }
            case PRESENCE_JOINED -> {
                PresenceJoined e = (PresenceJoined) ev;
                g.writeStringField("channel", e.channel());
                g.writeStringField("peerId", e.peerId());
                raw(g, "metadata", e.metadata());
                yield true;
            }
            case PRESENCE_LEFT -> {
                PresenceLeft e = (PresenceLeft) ev;
                g.writeStringField("channel", e.channel());
                g.writeStringField("peerId", e.peerId());
                yield true;
            }
            case MESSAGE_PUBLISHED -> {
                MessagePublished e = (MessagePublished) ev;
                g.writeStringField("channel", e.channel());
                g.writeStringField("from", e.from());
                raw(g, "data", e.data());
                raw(g, "fromMetadata", e.fromMetadata());
                yield true;
            }
        };
        assert written;
        g.writeEndObject();
    }

    /** A JSON value kept as text; left out when absent. */
    private static void raw(JsonGenerator g, String name, RawJson value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            g.writeRawValue(value.json());
        }
    }
}

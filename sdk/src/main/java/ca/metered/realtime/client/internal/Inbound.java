package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One text message from the server, decoded in a single pass into a JSON tree: the frames that
 * become events ({@code message}, {@code direct}, {@code presence}, {@code going_away}) become the
 * event itself, with {@code data} and metadata as subtrees of the parsed frame; control frames
 * ({@code welcome}, {@code ack}, {@code error}, {@code pong}) become the protocol module's
 * {@link ServerFrame} records. One parse per frame is what lets a client take 200k messages/s
 * (an envelope pass plus a second parse of {@code data} cost half again as much).
 *
 * <p>As strict as the JS SDK's inbound parser ({@code parseServerFrame}): one JSON object with a
 * string {@code type} the SDK knows; required fields of the right JSON type; {@code metadata} and
 * {@code fromMetadata} kept only when they are objects; anything else is malformed (dropped with a
 * log line, the connection stays open). A pure function of the text; thread-safe.
 *
 * @param frame           the control frame, or {@code null} (a welcome's {@code metadata} is not in it:
 *                        see {@code welcomeMetadata}; an ack is a {@link Reply})
 * @param reply           an {@code ack}, with the extension fields of docs/protocol.md 9, or {@code null}
 * @param welcomeMetadata a welcome's {@code metadata} object as parsed, or {@code null}
 * @param event           the event, or {@code null}
 * @param oversized       the text was longer than {@link #MAX_CHARS} (the client closes with 1009)
 * @param problem         why the frame was dropped as malformed, or {@code null}
 */
record Inbound(ServerFrame frame, Reply reply, JsonNode welcomeMetadata, ClientEvent event, boolean oversized,
               String problem) {
    /** Inbound frame cap in chars, as JS's string-length check (docs/sdk-behaviour.md 11.2: 1 MiB). */
    static final int MAX_CHARS = 1_048_576;

    static Inbound decode(String text) {
        if (text.length() > MAX_CHARS) {
            return new Inbound(null, null, null, null, true, "frame exceeds " + MAX_CHARS + " chars");
        }
        JsonNode root = Json.parseFrame(text);
        if (root == null) {
            return bad("invalid JSON");
        }
        if (!root.isObject()) {
            return bad("envelope must be an object");
        }
        String type = string(root, "type");
        if (type == null) {
            return bad("missing or non-string type");
        }
        return switch (type) {
            case "message" -> message(root);
            case "ack" -> ack(root);
            case "direct" -> direct(root);
            case "presence" -> presence(root);
            case "error" -> error(root);
            case "welcome" -> welcome(root);
            case "going_away" -> {
                // Advisory; 1000 when missing or not positive, so users always get a usable number.
                JsonNode retry = number(root, "retryAfterMs");
                yield event(new ClientEvent.GoingAway(retry != null && retry.doubleValue() > 0 ? retry.longValue() : 1000L));
            }
            case "pong" -> control(new ServerFrame.Pong());
            case "resubscribe" -> {
                String channel = string(root, "channel");
                yield channel == null ? bad("resubscribe.channel missing") : control(new ServerFrame.Resubscribe(channel));
            }
            default -> bad("unknown type");
        };
    }

    private static Inbound ack(JsonNode root) {
        String rid = string(root, "requestId");
        if (rid == null) {
            return bad("ack.requestId missing");
        }
        List<ClientEvent.Message> messages = null;
        JsonNode list = root.get("messages");
        if (list != null) {
            if (!list.isArray()) {
                return bad("ack.messages invalid");
            }
            messages = new ArrayList<>(list.size());
            for (JsonNode m : list) {
                Inbound one = m.isObject() && "message".equals(string(m, "type")) ? message(m) : bad("not a message");
                if (one.problem() != null) {
                    return bad("ack.messages invalid");
                }
                messages.add((ClientEvent.Message) one.event());
            }
        }
        JsonNode recovered = root.get("recovered");
        JsonNode expiresAt = number(root, "expiresAt");
        return new Inbound(null, new Reply(rid, recovered != null && recovered.isBoolean() ? recovered.booleanValue() : null,
                position(root), messages, expiresAt == null ? null : expiresAt.longValue()), null, null, false, null);
    }

    /** A position when the frame carries a valid one (docs/protocol.md 9), else {@code null}: never trusted half-formed. */
    private static StreamPosition position(JsonNode root) {
        String epoch = string(root, "epoch");
        JsonNode offset = root.get("offset");
        if (!StreamPosition.isValidEpoch(epoch) || offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong()
                || offset.longValue() < 0) {
            return null;
        }
        return new StreamPosition(epoch, offset.longValue());
    }

    private static Inbound message(JsonNode root) {
        String channel = string(root, "channel");
        String from = string(root, "from");
        JsonNode data = root.get("data");
        if (channel == null) {
            return bad("message.channel missing");
        }
        if (from == null) {
            return bad("message.from missing");
        }
        if (data == null) {
            return bad("message.data missing");
        }
        return event(new ClientEvent.Message(channel, from, data, object(root, "fromMetadata"), position(root)));
    }

    private static Inbound direct(JsonNode root) {
        String from = string(root, "from");
        JsonNode data = root.get("data");
        if (from == null) {
            return bad("direct.from missing");
        }
        if (data == null) {
            return bad("direct.data missing");
        }
        return event(new ClientEvent.Direct(from, data, object(root, "fromMetadata")));
    }

    private static Inbound presence(JsonNode root) {
        String channel = string(root, "channel");
        if (channel == null) {
            return bad("presence.channel missing");
        }
        List<ClientEvent.PresencePeer> joined = peers(root.get("joined"));
        if (joined == null) {
            return bad("presence.joined invalid");
        }
        List<ClientEvent.PresencePeer> left = peers(root.get("left"));
        if (left == null) {
            return bad("presence.left invalid");
        }
        return event(new ClientEvent.Presence(channel, joined, left));
    }

    /** The entries, or {@code null} when not an array of objects each with a string peerId. */
    private static List<ClientEvent.PresencePeer> peers(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        List<ClientEvent.PresencePeer> out = new ArrayList<>(array.size());
        for (JsonNode e : array) {
            String peerId = e.isObject() ? string(e, "peerId") : null;
            if (peerId == null) {
                return null;
            }
            out.add(new ClientEvent.PresencePeer(peerId, object(e, "metadata")));
        }
        return out;
    }

    private static Inbound error(JsonNode root) {
        String code = string(root, "code");
        if (code == null || code.isEmpty()) {
            return bad("error.code missing");
        }
        return control(new ServerFrame.Error(code, string(root, "message"), string(root, "requestId")));
    }

    private static Inbound welcome(JsonNode root) {
        String peerId = string(root, "peerId");
        JsonNode serverTime = number(root, "serverTime");
        JsonNode maxMessageSize = number(root, "maxMessageSize");
        JsonNode expiresAt = root.get("expiresAt");
        if (peerId == null) {
            return bad("welcome.peerId missing");
        }
        if (expiresAt == null || !(expiresAt.isNull() || expiresAt.isNumber())) {
            return bad("welcome.expiresAt must be number or null");
        }
        if (serverTime == null) {
            return bad("welcome.serverTime missing");
        }
        if (maxMessageSize == null) {
            return bad("welcome.maxMessageSize missing");
        }
        // The metadata stays a tree: written back to text it would lose what JSON cannot say
        // again exactly (1e400 parses to Infinity).
        return new Inbound(new ServerFrame.Welcome(peerId, serverTime.longValue(),
                expiresAt.isNull() ? null : expiresAt.longValue(),
                (int) Math.min(Integer.MAX_VALUE, maxMessageSize.longValue()), null),
                null, object(root, "metadata"), null, false, null);
    }

    private static String string(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static JsonNode number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.isNumber() ? v : null;
    }

    /** An object-valued field; a field of another type is dropped, not an error (JS). */
    private static JsonNode object(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.isObject() ? v : null;
    }

    private static Inbound event(ClientEvent e) {
        return new Inbound(null, null, null, e, false, null);
    }

    private static Inbound control(ServerFrame f) {
        return new Inbound(f, null, null, null, false, null);
    }

    private static Inbound bad(String reason) {
        return new Inbound(null, null, null, null, false, reason);
    }
}

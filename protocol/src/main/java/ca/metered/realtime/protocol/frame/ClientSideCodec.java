package ca.metered.realtime.protocol.frame;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client direction of the codec, reached through {@link FrameCodec#encode(ClientFrame)} and
 * {@link FrameCodec#decodeServer(String)}. Decoding is as strict as the official JS SDK's inbound
 * parser: required fields must have the right JSON type, optional object-valued fields
 * ({@code metadata}, {@code fromMetadata}) are kept only when they are JSON objects, unknown types
 * are malformed.
 *
 * <p>Stateless; thread-safe.
 */
final class ClientSideCodec {
    private final JsonFactory json;

    ClientSideCodec(JsonFactory json) {
        this.json = json;
    }

    String encode(ClientFrame frame) {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            switch (frame.kind()) {
                case SUBSCRIBE -> {
                    ClientFrame.Subscribe s = (ClientFrame.Subscribe) frame;
                    g.writeStringField("type", "subscribe");
                    g.writeStringField("channel", s.channel());
                    // Defaults are omitted, as the JS SDK does, to keep frames minimal.
                    if (s.includeSenderMetadata()) {
                        g.writeBooleanField("includeSenderMetadata", true);
                    }
                }
                case UNSUBSCRIBE -> {
                    g.writeStringField("type", "unsubscribe");
                    g.writeStringField("channel", ((ClientFrame.Unsubscribe) frame).channel());
                }
                case PUBLISH -> {
                    ClientFrame.Publish p = (ClientFrame.Publish) frame;
                    g.writeStringField("type", "publish");
                    g.writeStringField("channel", p.channel());
                    g.writeFieldName("data");
                    g.writeRawValue(p.data().json());
                }
                case SEND -> {
                    ClientFrame.Send s = (ClientFrame.Send) frame;
                    g.writeStringField("type", "send");
                    g.writeStringField("to", s.to());
                    g.writeFieldName("data");
                    g.writeRawValue(s.data().json());
                }
                case PING -> g.writeStringField("type", "ping");
            }
            if (frame.requestId() != null) {
                g.writeStringField("requestId", frame.requestId());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory output cannot fail
        }
        return out.toString();
    }

    ServerDecodeResult decode(String text) {
        Fields f = new Fields();
        try (JsonParser p = json.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return bad("envelope must be an object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "type" -> f.type = stringOrNull(p, v);
                    case "peerId" -> f.peerId = stringOrNull(p, v);
                    case "requestId" -> f.requestId = stringOrNull(p, v);
                    case "code" -> f.code = stringOrNull(p, v);
                    case "message" -> f.message = stringOrNull(p, v);
                    case "channel" -> f.channel = stringOrNull(p, v);
                    case "from" -> f.from = stringOrNull(p, v);
                    case "serverTime" -> f.serverTime = numberOrNull(p, v);
                    case "maxMessageSize" -> f.maxMessageSize = numberOrNull(p, v);
                    case "retryAfterMs" -> f.retryAfterMs = numberOrNull(p, v);
                    case "expiresAt" -> {
                        f.expiresAtPresent = true;
                        f.expiresAtNull = v == JsonToken.VALUE_NULL;
                        f.expiresAt = numberOrNull(p, v);
                    }
                    case "metadata" -> f.metadata = objectOrNull(p, text);
                    case "fromMetadata" -> f.fromMetadata = objectOrNull(p, text);
                    case "data" -> f.data = captureRaw(p, text);
                    case "joined" -> f.joined = peers(p, text, f);
                    case "left" -> f.left = peers(p, text, f);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return bad("invalid JSON");
            }
        } catch (JsonProcessingException e) {
            return bad("invalid JSON");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return toFrame(f);
    }

    private static ServerDecodeResult toFrame(Fields f) {
        if (f.type == null) {
            return bad("missing or non-string type");
        }
        switch (f.type) {
            case "welcome":
                if (f.peerId == null) {
                    return bad("welcome.peerId missing");
                }
                if (!f.expiresAtNull && f.expiresAt == null) {
                    return bad("welcome.expiresAt must be number or null");
                }
                if (f.serverTime == null) {
                    return bad("welcome.serverTime missing");
                }
                if (f.maxMessageSize == null) {
                    return bad("welcome.maxMessageSize missing");
                }
                return ok(new ServerFrame.Welcome(f.peerId, f.serverTime.longValue(),
                        f.expiresAtNull ? null : f.expiresAt.longValue(),
                        (int) Math.min(Integer.MAX_VALUE, f.maxMessageSize.longValue()), f.metadata));
            case "ack":
                return f.requestId == null ? bad("ack.requestId missing") : ok(new ServerFrame.Ack(f.requestId));
            case "error":
                if (f.code == null || f.code.isEmpty()) {
                    return bad("error.code missing");
                }
                return ok(new ServerFrame.Error(f.code, f.message, f.requestId));
            case "message":
                if (f.channel == null) {
                    return bad("message.channel missing");
                }
                if (f.from == null) {
                    return bad("message.from missing");
                }
                if (f.data == null) {
                    return bad("message.data missing");
                }
                return ok(new ServerFrame.Message(f.channel, f.from, f.data, f.fromMetadata));
            case "direct":
                if (f.from == null) {
                    return bad("direct.from missing");
                }
                if (f.data == null) {
                    return bad("direct.data missing");
                }
                return ok(new ServerFrame.Direct(f.from, f.data, f.fromMetadata));
            case "presence":
                if (f.channel == null) {
                    return bad("presence.channel missing");
                }
                if (f.joined == null || f.peersBad) {
                    return bad(f.joined == null ? "presence.joined invalid" : "presence entries invalid");
                }
                if (f.left == null) {
                    return bad("presence.left invalid");
                }
                return ok(new ServerFrame.Presence(f.channel, f.joined, f.left));
            case "going_away":
                // Advisory; 1000 when missing or not positive, so users always get a usable number.
                long retry = f.retryAfterMs != null && f.retryAfterMs.doubleValue() > 0
                        ? f.retryAfterMs.longValue() : 1000L;
                return ok(new ServerFrame.GoingAway(retry));
            case "pong":
                return ok(new ServerFrame.Pong());
            default:
                return bad("unknown type");
        }
    }

    private static List<ServerFrame.PresenceEntry> peers(JsonParser p, String text, Fields f) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        List<ServerFrame.PresenceEntry> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                f.peersBad = true;
                continue;
            }
            String peerId = null;
            RawJson metadata = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("peerId")) {
                    peerId = stringOrNull(p, v);
                } else if (name.equals("metadata")) {
                    metadata = objectOrNull(p, text);
                } else {
                    p.skipChildren();
                }
            }
            if (peerId == null) {
                f.peersBad = true;
            } else {
                out.add(new ServerFrame.PresenceEntry(peerId, metadata));
            }
        }
        return out;
    }

    private static String stringOrNull(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static Number numberOrNull(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getNumberValue();
        }
        p.skipChildren();
        return null;
    }

    private static RawJson objectOrNull(JsonParser p, String text) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        return captureRaw(p, text);
    }

    private static RawJson captureRaw(JsonParser p, String text) throws IOException {
        int start = (int) p.currentTokenLocation().getCharOffset();
        if (p.currentToken().isStructStart()) {
            p.skipChildren();
        } else {
            p.finishToken();
        }
        int end = (int) p.currentLocation().getCharOffset();
        return new RawJson(text.substring(start, end));
    }

    private static ServerDecodeResult ok(ServerFrame frame) {
        return new ServerDecodeResult.Ok(frame);
    }

    private static ServerDecodeResult bad(String reason) {
        return new ServerDecodeResult.Malformed(reason);
    }

    /** Mutable scratch for one decode. */
    private static final class Fields {
        String type;
        String peerId;
        String requestId;
        String code;
        String message;
        String channel;
        String from;
        Number serverTime;
        Number maxMessageSize;
        Number retryAfterMs;
        Number expiresAt;
        boolean expiresAtPresent;
        boolean expiresAtNull;
        RawJson metadata;
        RawJson fromMetadata;
        RawJson data;
        List<ServerFrame.PresenceEntry> joined;
        List<ServerFrame.PresenceEntry> left;
        boolean peersBad;
    }
}

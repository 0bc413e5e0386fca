package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.protocol.frame.StreamPosition;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ca.metered.realtime.client.InvalidArgumentException;
import java.util.List;

/**
 * The JSON chores of the SDK around its one {@link ObjectMapper}, which stays private: a mapper is
 * mutable (its configuration can be changed), so it is never handed out. Stateless; thread-safe.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Reads trees without resolving the target type per call (that lookup was ~3 % of receiving). */
    private static final ObjectReader TREES = MAPPER.readerFor(JsonNode.class);
    /** Reads whole frames: one JSON value and nothing after it. */
    private static final ObjectReader FRAMES = TREES.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** One inbound frame as a tree, or {@code null} when it is not exactly one JSON value. */
    public static JsonNode parseFrame(String text) {
        try {
            return FRAMES.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * Serialises user data: trees as they are, anything else with Jackson.
     *
     * @throws InvalidArgumentException for {@code null} or data Jackson cannot serialise
     */
    public static String serialize(Object data) {
        if (data == null) {
            throw new InvalidArgumentException("data must not be null; pass NullNode.getInstance() for JSON null");
        }
        if (data instanceof JsonNode n) {
            return n.toString();
        }
        try {
            return MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidArgumentException("data cannot be serialised as JSON: " + e.getMessage(), e);
        }
    }

    /** {@code data} as a tree (a {@code JsonNode} is returned as is). */
    public static JsonNode valueToTree(Object data) {
        if (data instanceof JsonNode n) {
            return n;
        }
        try {
            return MAPPER.valueToTree(data);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("data cannot be serialised as JSON: " + e.getMessage(), e);
        }
    }

    /** Parses one JSON document. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** UTF-8 length of {@code s} as {@code s.getBytes(UTF_8).length}, without encoding it (a lone surrogate counts 1, for the '?' Java writes). */
    public static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair of 2 chars
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("data does not convert to " + type.getName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    public static <T> T convert(JsonNode node, TypeReference<T> type) {
        try {
            return MAPPER.treeToValue(node, MAPPER.constructType(type));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("data does not convert to " + type.getType() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** One line of JSON for an event, {@code "event"} first; ICE credentials are masked. */
    private static void putPosition(ObjectNode o, String name, StreamPosition p) {
        if (p != null) {
            o.putObject(name).put("epoch", p.epoch()).put("offset", p.offset());
        }
    }

    public static String eventToJson(ClientEvent event) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("event", event.type().eventName());
        switch (event.type()) {
            case CONNECTED -> {
                ClientEvent.Connected c = (ClientEvent.Connected) event;
                o.put("peerId", c.peerId());
                o.put("serverTime", c.serverTime());
                if (c.expiresAt() == null) {
                    o.putNull("expiresAt");
                } else {
                    o.put("expiresAt", c.expiresAt());
                }
                o.put("isReconnect", c.isReconnect());
                o.put("maxMessageSize", c.maxMessageSize());
                if (c.iceServers() != null) {
                    ArrayNode a = o.putArray("iceServers");
                    for (IceServer s : c.iceServers()) {
                        ObjectNode e = a.addObject();
                        ArrayNode urls = e.putArray("urls");
                        s.urls().forEach(urls::add);
                        if (s.username() != null) {
                            e.put("username", s.username());
                        }
                        if (s.credential() != null) {
                            e.put("credential", "***");
                        }
                    }
                }
            }
            case DISCONNECTED -> {
                ClientEvent.Disconnected d = (ClientEvent.Disconnected) event;
                o.put("code", d.code());
                o.put("reason", d.reason());
                o.put("willReconnect", d.willReconnect());
            }
            case STATE_CHANGE -> {
                ClientEvent.StateChange s = (ClientEvent.StateChange) event;
                o.put("from", s.from().wireName());
                o.put("to", s.to().wireName());
            }
            case MESSAGE -> {
                ClientEvent.Message m = (ClientEvent.Message) event;
                o.put("channel", m.channel());
                o.put("from", m.from());
                putIfPresent(o, "fromMetadata", m.fromMetadata());
                o.set("data", m.data());
                if (m.position() != null) {
                    o.put("offset", m.position().offset());
                    o.put("epoch", m.position().epoch());
                }
            }
            case DIRECT -> {
                ClientEvent.Direct d = (ClientEvent.Direct) event;
                o.put("from", d.from());
                putIfPresent(o, "fromMetadata", d.fromMetadata());
                o.set("data", d.data());
            }
            case PRESENCE -> {
                ClientEvent.Presence p = (ClientEvent.Presence) event;
                o.put("channel", p.channel());
                peers(o.putArray("joined"), p.joined());
                peers(o.putArray("left"), p.left());
            }
            case SERVER_ERROR -> {
                ClientEvent.ServerError e = (ClientEvent.ServerError) event;
                o.put("code", e.code());
                if (e.message() != null) {
                    o.put("message", e.message());
                }
                if (e.requestId() != null) {
                    o.put("requestId", e.requestId());
                }
            }
            case GOING_AWAY -> o.put("retryAfterMs", ((ClientEvent.GoingAway) event).retryAfterMs());
            case TOKEN_PROVIDER_ERROR -> {
                ClientEvent.TokenProviderError t = (ClientEvent.TokenProviderError) event;
                o.put("consecutiveFailures", t.consecutiveFailures());
                o.put("code", t.error().code());
                o.put("message", t.error().getMessage());
            }
            case RECOVERY -> {
                ClientEvent.Recovery r = (ClientEvent.Recovery) event;
                o.put("channel", r.channel());
                o.put("recovered", r.recovered());
                putPosition(o, "from", r.from());
                putPosition(o, "position", r.position());
            }
        }
        return o.toString();
    }

    private static void peers(ArrayNode into, List<ClientEvent.PresencePeer> peers) {
        for (ClientEvent.PresencePeer p : peers) {
            ObjectNode e = into.addObject();
            e.put("peerId", p.peerId());
            putIfPresent(e, "metadata", p.metadata());
        }
    }

    private static void putIfPresent(ObjectNode o, String name, JsonNode value) {
        if (value != null) {
            o.set(name, value);
        }
    }
}

package ca.metered.realtime.protocol.frame;

import ca.metered.realtime.protocol.ChannelNames;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.PeerIds;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one codec of the wire protocol: decodes client commands and encodes server frames
 * (docs/protocol.md 2), and in the client direction encodes commands and decodes server frames.
 * It streams over the text instead of building a tree, so {@code data} is
 * captured as the sender's exact text ({@link RawJson}) and spliced into outgoing frames
 * without being parsed into objects and written again.
 *
 * <p>Stateless; thread-safe. Field checks follow the order a client can act on: requestId,
 * type, then the command's own fields (docs/protocol.md 3).
 */
public final class FrameCodec {
    /** Longest accepted {@code requestId}, in chars (docs/protocol.md 5). */
    public static final int MAX_REQUEST_ID_LENGTH = 128;
    /** Longest accepted {@code publish.idempotencyKey}, in chars (docs/protocol.md 9). */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;

    private static final JsonFactory JSON = JsonFactory.builder()
            // Nesting is bounded so a hostile frame of 60k '[' cannot exhaust the stack.
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
            .build();

    private static final ClientSideCodec CLIENT_SIDE = new ClientSideCodec(JSON);

    private FrameCodec() {
    }

    /** Encodes a client command as JSON text, {@code type} first (the client direction). */
    public static String encode(ClientFrame frame) {
        return CLIENT_SIDE.encode(frame);
    }

    /** Decodes one inbound text message. Never throws for bad input. */
    public static DecodeResult decodeClient(String text) {
        Fields f = new Fields();
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return invalid(ErrorCode.MALFORMED_MESSAGE, "frame must be a JSON object", null);
            }
            readFields(p, text, f);
            if (p.nextToken() != null) {
                return invalid(ErrorCode.MALFORMED_MESSAGE, "trailing content after the JSON object", null);
            }
        } catch (JsonProcessingException e) {
            return invalid(ErrorCode.MALFORMED_MESSAGE, "frame is not valid JSON", null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String cannot fail with I/O
        }
        return toFrame(f);
    }

    private static void readFields(JsonParser p, String text, Fields f) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "type" -> f.type = stringOrBad(p, v, f, 't');
                case "requestId" -> f.requestId = stringOrBad(p, v, f, 'r');
                case "channel" -> f.channel = stringOrBad(p, v, f, 'c');
                case "to" -> f.to = stringOrBad(p, v, f, 'o');
                case "includeSenderMetadata" -> {
                    if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                        f.includeSenderMetadata = v == JsonToken.VALUE_TRUE;
                        f.includeBad = false;
                    } else if (v != JsonToken.VALUE_NULL) {
                        f.includeBad = true;
                        p.skipChildren();
                    }
                }
                case "data" -> f.data = captureRaw(p, text);
                case "idempotencyKey" -> {
                    f.idempotencyKey = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    f.idempotencyKeyBad = v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL;
                    p.skipChildren();
                }
                case "token" -> {
                    f.token = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                }
                case "limit" -> {
                    f.limitBad = false;
                    f.limit = null;
                    if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            && p.getIntValue() >= 0) {
                        f.limit = p.getIntValue();
                    } else if (v != JsonToken.VALUE_NULL) {
                        f.limitBad = true;
                        p.skipChildren();
                    }
                }
                case "recover" -> f.recover = position(p, v, true);
                case "since" -> f.since = position(p, v, false);
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("unexpected token " + t);
        }
    }

    /** Marks a present position field that is not {@code {"epoch": string, "offset": integer >= 0}}. */
    private static final StreamPosition BAD_POSITION = new StreamPosition("?", 0);

    /**
     * Reads {@code {"epoch": "…", "offset": N}} (other members ignored); {@code null} when the
     * value is JSON null, {@link #BAD_POSITION} when it is anything else that is not a position.
     * {@code {"epoch": "", "offset": 0}} is {@link StreamPosition#START} where {@code startAllowed}.
     */
    private static StreamPosition position(JsonParser p, JsonToken v, boolean startAllowed) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return BAD_POSITION;
        }
        String epoch = null;
        long offset = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("epoch")) {
                epoch = value == JsonToken.VALUE_STRING ? p.getText() : null;
            } else if (name.equals("offset")) {
                boolean fits = value == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
                offset = fits ? p.getLongValue() : -1;
            }
            p.skipChildren();
        }
        if (startAllowed && "".equals(epoch) && offset == 0) {
            return StreamPosition.START;
        }
        if (!StreamPosition.isValidEpoch(epoch) || offset < 0) {
            return BAD_POSITION;
        }
        return new StreamPosition(epoch, offset);
    }

    /** Returns the string value; a present non-string value is remembered as bad. {@code null} counts as absent. */
    private static String stringOrBad(JsonParser p, JsonToken v, Fields f, char which) throws IOException {
        boolean bad = v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL;
        switch (which) {
            case 't' -> f.typeBad = bad;
            case 'r' -> f.requestIdBad = bad;
            case 'c' -> f.channelBad = bad;
            default -> f.toBad = bad;
        }
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static RawJson captureRaw(JsonParser p, String text) throws IOException {
        int start = (int) p.currentTokenLocation().getCharOffset();
        if (p.currentToken().isStructStart()) {
            p.skipChildren();
        } else {
            p.finishToken(); // strings are parsed lazily; the end offset needs the whole token read
        }
        int end = (int) p.currentLocation().getCharOffset();
        return new RawJson(text.substring(start, end));
    }

    private static DecodeResult toFrame(Fields f) {
        if (f.requestIdBad || (f.requestId != null
                && (f.requestId.isEmpty() || f.requestId.length() > MAX_REQUEST_ID_LENGTH))) {
            return invalid(ErrorCode.MALFORMED_MESSAGE,
                    "requestId must be a non-empty string of at most 128 characters", null);
        }
        String rid = f.requestId;
        if (f.type == null || f.typeBad) {
            return invalid(ErrorCode.MALFORMED_MESSAGE, "frame needs a string \"type\"", rid);
        }
        return switch (f.type) {
            case "subscribe" -> {
                DecodeResult bad = checkChannel(f, rid);
                if (bad != null) {
                    yield bad;
                }
                if (f.includeBad) {
                    yield invalid(ErrorCode.MALFORMED_MESSAGE, "includeSenderMetadata must be a boolean", rid);
                }
                if (f.recover == BAD_POSITION) {
                    yield invalid(ErrorCode.MALFORMED_MESSAGE, badPosition("recover"), rid);
                }
                yield ok(new ClientFrame.Subscribe(f.channel, rid, f.includeSenderMetadata, f.recover));
            }
            case "unsubscribe" -> {
                DecodeResult bad = checkChannel(f, rid);
                yield bad != null ? bad : ok(new ClientFrame.Unsubscribe(f.channel, rid));
            }
            case "publish" -> {
                DecodeResult bad = checkChannel(f, rid);
                if (bad != null) {
                    yield bad;
                }
                if (f.data == null) {
                    yield invalid(ErrorCode.MISSING_DATA, "publish needs a \"data\" field", rid);
                }
                if (f.idempotencyKeyBad || (f.idempotencyKey != null
                        && (f.idempotencyKey.isEmpty() || f.idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH))) {
                    yield invalid(ErrorCode.MALFORMED_MESSAGE,
                            "idempotencyKey must be a non-empty string of at most 128 characters", rid);
                }
                yield ok(new ClientFrame.Publish(f.channel, f.data, rid, f.idempotencyKey));
            }
            case "send" -> {
                if (f.toBad || !PeerIds.isValid(f.to)) {
                    yield invalid(ErrorCode.INVALID_PEER_ID,
                            "\"to\" must be a peerId: 1-128 printable ASCII characters", rid);
                }
                yield f.data == null
                        ? invalid(ErrorCode.MISSING_DATA, "send needs a \"data\" field", rid)
                        : ok(new ClientFrame.Send(f.to, f.data, rid));
            }
            case "ping" -> ok(new ClientFrame.Ping());
            case "history" -> {
                DecodeResult bad = checkChannel(f, rid);
                if (bad != null) {
                    yield bad;
                }
                if (f.limitBad) {
                    yield invalid(ErrorCode.MALFORMED_MESSAGE, "limit must be an integer >= 0", rid);
                }
                if (f.since == BAD_POSITION) {
                    yield invalid(ErrorCode.MALFORMED_MESSAGE, badPosition("since"), rid);
                }
                yield ok(new ClientFrame.History(f.channel, f.limit, f.since, rid));
            }
            case "refresh" -> f.token == null || f.token.isEmpty()
                    ? invalid(ErrorCode.MALFORMED_MESSAGE, "refresh needs a non-empty string \"token\"", rid)
                    : ok(new ClientFrame.Refresh(f.token, rid));
            default -> invalid(ErrorCode.UNKNOWN_TYPE, "unknown type \"" + truncate(f.type) + "\"", rid);
        };
    }

    private static String badPosition(String field) {
        return field + " must be {\"epoch\": a string of 1-" + StreamPosition.MAX_EPOCH_LENGTH
                + " characters, \"offset\": an integer >= 0}";
    }

    private static DecodeResult checkChannel(Fields f, String rid) {
        if (f.channelBad || f.channel == null) {
            return invalid(ErrorCode.INVALID_CHANNEL, "\"channel\" must be a string", rid);
        }
        if (!ChannelNames.isValid(f.channel)) {
            return invalid(ErrorCode.INVALID_CHANNEL,
                    "channel must be 1-256 bytes of UTF-8 without control characters", rid);
        }
        return null;
    }

    private static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static DecodeResult ok(ClientFrame frame) {
        return new DecodeResult.Ok(frame);
    }

    private static DecodeResult invalid(ErrorCode code, String message, String requestId) {
        return new DecodeResult.Invalid(code, message, requestId);
    }

    /** Encodes a server frame as UTF-8 JSON, {@code type} first. */
    public static byte[] encode(ServerFrame frame) {
        if (frame instanceof ServerFrame.Presence p) {
            return PresenceEncoder.encode(p); // the same bytes, written without a generator
        }
        return encodeGeneral(frame);
    }

    /** {@link #encode} through Jackson, for every kind of frame. */
    static byte[] encodeGeneral(ServerFrame frame) {
        return encodeGeneral(frame, RawSplices.MIN_CHARS);
    }

    /** {@link #encodeGeneral(ServerFrame)} with raw values of at least {@code spliceChars} chars spliced in. */
    static byte[] encodeGeneral(ServerFrame frame, int spliceChars) {
        // The output's block comes from Jackson's recycler (per thread), so a frame costs its
        // exact-size array and the generator, not a growing chain of blocks copied together.
        BufferRecycler recycler = JSON._getBufferRecycler();
        ByteArrayBuilder out = new ByteArrayBuilder(recycler);
        RawSplices raw = new RawSplices(out, spliceChars);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            // A switch expression over the kind is exhaustive: a new frame type fails to compile here.
            boolean written = switch (frame.kind()) {
                case WELCOME -> writeWelcome(g, raw, (ServerFrame.Welcome) frame);
                case ACK -> writeAck(g, raw, (ServerFrame.Ack) frame);
                case ERROR -> writeError(g, (ServerFrame.Error) frame);
                case MESSAGE -> writeMessageFields(g, raw, (ServerFrame.Message) frame);
                case DIRECT -> {
                    ServerFrame.Direct d = (ServerFrame.Direct) frame;
                    g.writeStringField("type", "direct");
                    g.writeStringField("from", d.from());
                    writeRawField(g, raw, "data", d.data());
                    writeRawField(g, raw, "fromMetadata", d.fromMetadata());
                    yield true;
                }
                case PRESENCE -> {
                    ServerFrame.Presence pr = (ServerFrame.Presence) frame;
                    g.writeStringField("type", "presence");
                    g.writeStringField("channel", pr.channel());
                    writeEntries(g, raw, "joined", pr.joined());
                    writeEntries(g, raw, "left", pr.left());
                    yield true;
                }
                case GOING_AWAY -> {
                    g.writeStringField("type", "going_away");
                    g.writeNumberField("retryAfterMs", ((ServerFrame.GoingAway) frame).retryAfterMs());
                    yield true;
                }
                case PONG -> {
                    g.writeStringField("type", "pong");
                    yield true;
                }
                case RESUBSCRIBE -> {
                    g.writeStringField("type", "resubscribe");
                    g.writeStringField("channel", ((ServerFrame.Resubscribe) frame).channel());
                    yield true;
                }
            };
            assert written;
            g.writeEndObject();
            g.flush();
            return raw.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory output cannot fail
        } finally {
            out.release();
            recycler.releaseToPool();
        }
    }

    private static boolean writeWelcome(JsonGenerator g, RawSplices raw, ServerFrame.Welcome w) throws IOException {
        g.writeStringField("type", "welcome");
        g.writeStringField("peerId", w.peerId());
        g.writeNumberField("serverTime", w.serverTime());
        g.writeFieldName("expiresAt");
        if (w.expiresAt() == null) {
            g.writeNull();
        } else {
            g.writeNumber(w.expiresAt());
        }
        g.writeNumberField("maxMessageSize", w.maxMessageSize());
        writeRawField(g, raw, "metadata", w.metadata());
        return true;
    }

    /** The extension fields come after {@code requestId} and only when set, so a plain ack is unchanged. */
    private static boolean writeAck(JsonGenerator g, RawSplices raw, ServerFrame.Ack a) throws IOException {
        g.writeStringField("type", "ack");
        g.writeStringField("requestId", a.requestId());
        if (a.recovered() != null) {
            g.writeBooleanField("recovered", a.recovered());
        }
        if (a.position() != null) {
            g.writeStringField("epoch", a.position().epoch());
            g.writeNumberField("offset", a.position().offset());
        }
        if (a.messages() != null) {
            g.writeArrayFieldStart("messages");
            for (ServerFrame.Message m : a.messages()) {
                g.writeStartObject();
                writeMessageFields(g, raw, m);
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (a.expiresAt() != null) {
            g.writeNumberField("expiresAt", a.expiresAt());
        }
        return true;
    }

    /** The position comes last, and only on a channel with history, so other messages are unchanged. */
    private static boolean writeMessageFields(JsonGenerator g, RawSplices raw, ServerFrame.Message m) throws IOException {
        g.writeStringField("type", "message");
        g.writeStringField("channel", m.channel());
        g.writeStringField("from", m.from());
        writeRawField(g, raw, "data", m.data());
        writeRawField(g, raw, "fromMetadata", m.fromMetadata());
        if (m.position() != null) {
            g.writeNumberField("offset", m.position().offset());
            g.writeStringField("epoch", m.position().epoch());
        }
        return true;
    }

    private static boolean writeError(JsonGenerator g, ServerFrame.Error e) throws IOException {
        g.writeStringField("type", "error");
        g.writeStringField("code", e.code());
        if (e.message() != null) {
            g.writeStringField("message", e.message());
        }
        if (e.requestId() != null) {
            g.writeStringField("requestId", e.requestId());
        }
        return true;
    }

    /** {@link #encode} as a String, for logs and tests. */
    public static String encodeToString(ServerFrame frame) {
        return new String(encode(frame), StandardCharsets.UTF_8);
    }

    private static void writeEntries(JsonGenerator g, RawSplices raw, String name, List<ServerFrame.PresenceEntry> entries)
            throws IOException {
        g.writeArrayFieldStart(name);
        for (ServerFrame.PresenceEntry e : entries) {
            g.writeStartObject();
            g.writeStringField("peerId", e.peerId());
            writeRawField(g, raw, "metadata", e.metadata());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeRawField(JsonGenerator g, RawSplices raw, String name, RawJson value)
            throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            raw.writeValue(g, value);
        }
    }

    /** Mutable scratch for one decode; never escapes {@link #decodeClient}. */
    private static final class Fields {
        String type;
        String requestId;
        String channel;
        String to;
        RawJson data;
        boolean includeSenderMetadata;
        String idempotencyKey;
        boolean idempotencyKeyBad;
        String token;
        Integer limit;
        boolean limitBad;
        StreamPosition recover;
        StreamPosition since;
        boolean typeBad;
        boolean requestIdBad;
        boolean channelBad;
        boolean toBad;
        boolean includeBad;
    }
}

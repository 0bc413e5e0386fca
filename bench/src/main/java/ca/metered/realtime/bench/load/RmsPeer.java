package ca.metered.realtime.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Peer} speaking rms's protocol (JSON text frames at {@code /v1}, protocol.md 2),
 * written by hand on purpose: the generator must not share code with the server it measures.
 * A room is the channel {@code bench/<room>}.
 *
 * <p>Frames are classified by their leading {@code {"type":"…"} (the server writes {@code type}
 * first); {@code message} bodies are not parsed, only the stamp is read ({@link Payload}).
 */
public final class RmsPeer extends Peer {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] TYPE_PREFIX = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);

    private final byte[] padding;
    private String peerId;

    public RmsPeer(int index, PeerListener listener, int messageSize) {
        super(index, listener);
        this.padding = Payload.rmsPadding(messageSize);
    }

    /** The server-assigned peerId from {@code welcome}; {@code null} before {@link #ready()}. */
    public String peerId() {
        return peerId;
    }

    /** The channel name of a room. */
    public static String channelOf(String room) {
        return "bench/" + room;
    }

    @Override
    protected void sendSubscribe(String room) {
        send("{\"type\":\"subscribe\",\"channel\":\"" + channelOf(room) + "\",\"requestId\":\"s\"}");
    }

    @Override
    public void publish(String room, boolean ack) {
        ByteBuf out = channel().alloc().buffer(padding.length + 128);
        out.writeCharSequence("{\"type\":\"publish\",\"channel\":\"" + channelOf(room) + "\","
                + (ack ? "\"requestId\":\"p\"," : "") + "\"data\":", StandardCharsets.US_ASCII);
        Payload.writeRms(out, Payload.stamp(), padding);
        out.writeByte('}');
        channel().write(new TextWebSocketFrame(out));
    }

    private void send(String json) {
        channel().writeAndFlush(new TextWebSocketFrame(json));
    }

    @Override
    protected void onMessage(ByteBuf content, boolean text) {
        // Dispatch on the first letters of the type: this runs for every delivery.
        if (!hasTypePrefix(content)) {
            return;
        }
        int at = content.readerIndex() + TYPE_PREFIX.length;
        switch (content.getByte(at)) {
            case 'm' -> {
                long stamp = Payload.readRms(content);
                if (stamp > 0) {
                    listener.delivered(this, stamp);
                }
            }
            case 'p' -> {
                if (content.getByte(at + 1) == 'r') {
                    readPresence(content);
                }
            }
            case 'a' -> {
                if (contains(content, "\"requestId\":\"p\"")) {
                    listener.acked(this);
                } else {
                    completeSubscribe();
                }
            }
            case 'w' -> {
                peerId = stringField(content, "peerId");
                markReady();
            }
            case 'e' -> {
                String s = content.toString(StandardCharsets.UTF_8);
                if (s.contains("\"requestId\":\"s\"")) {
                    failSubscribe(s);
                }
                listener.error(this, s);
            }
            default -> {
                // pong, going_away, direct: nothing to measure
            }
        }
    }

    private static boolean hasTypePrefix(ByteBuf frame) {
        int start = frame.readerIndex();
        if (frame.readableBytes() < TYPE_PREFIX.length + 2) {
            return false;
        }
        for (int i = 0; i < TYPE_PREFIX.length; i++) {
            if (frame.getByte(start + i) != TYPE_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    /** The value of {@code type}, read from the prefix the server writes; "" when absent. */
    static String typeOf(ByteBuf frame) {
        if (!hasTypePrefix(frame)) {
            return "";
        }
        int from = frame.readerIndex() + TYPE_PREFIX.length;
        int end = frame.indexOf(from, frame.writerIndex(), (byte) '"');
        return end < 0 ? "" : frame.toString(from, end - from, StandardCharsets.US_ASCII);
    }

    private static boolean contains(ByteBuf frame, String needle) {
        return Payload.indexOf(frame, needle.getBytes(StandardCharsets.US_ASCII)) >= 0;
    }

    private static String stringField(ByteBuf frame, String name) {
        try (JsonParser p = JSON.createParser((java.io.InputStream) new ByteBufInputStream(frame.duplicate()))) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && name.equals(p.currentName()) && p.nextToken() == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readPresence(ByteBuf frame) {
        List<String> joined = new ArrayList<>();
        List<String> left = new ArrayList<>();
        try (JsonParser p = JSON.createParser((java.io.InputStream) new ByteBufInputStream(frame.duplicate()))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_ARRAY && (field.equals("joined") || field.equals("left"))) {
                    readEntries(p, field.equals("joined") ? joined : left);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            listener.error(this, "unparseable presence frame: " + e.getMessage());
            return;
        }
        listener.presence(this, joined, left);
    }

    private static void readEntries(JsonParser p, List<String> into) throws IOException {
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("peerId") && v == JsonToken.VALUE_STRING) {
                    into.add(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
    }
}

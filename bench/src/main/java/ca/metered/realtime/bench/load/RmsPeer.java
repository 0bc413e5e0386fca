package ca.metered.realtime.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Peer} speaking rms's protocol (JSON text frames at {@code /v1}, docs/protocol.md 2),
 * written by hand on purpose: the generator must not share code with the server it measures.
 * A room is the channel {@code bench/<room>}.
 *
 * <p>Frames are classified by their leading {@code {"type":"…"} (the server writes {@code type}
 * first); {@code message} bodies are not parsed, only the stamp is read ({@link Payload}).
 */
public final class RmsPeer extends Peer {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] TYPE_PREFIX = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final long TYPE_PREFIX_HEAD =
            (long) MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN).get(TYPE_PREFIX, 0);

    private static final byte[] JOINED = "\"joined\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEFT = "\"left\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENTRY = "{\"peerId\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ENTRY_HEAD = (long) LONGS.get(ENTRY, 0);
    private static final long ENTRY_TAIL = (long) LONGS.get(ENTRY, ENTRY.length - 8);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';

    private final byte[] padding;
    private final int messageSize;
    private final PeerDirectory directory;
    private String peerId;
    /**
     * What a presence scan works in, one per event loop thread, not one per peer: a peer's
     * scratch grew to its largest frame (a joiner's snapshot, k × 50 bytes for the k-th) and kept
     * it, so a room of 10,000 held about 3 GB of buffers that were each used for a moment —
     * the generator's garbage collector then paused for seconds at a time. A scan runs on the
     * peer's loop and hands its arrays to the listener, which reads them before it returns.
     */
    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    private static final class Scratch {
        byte[] bytes = new byte[4096];
        int[] joined = new int[64];
        int[] left = new int[64];
        int count;
    }

    public RmsPeer(int index, PeerListener listener, int messageSize) {
        this(index, listener, messageSize, null);
    }

    /**
     * @param directory when given, presence frames are read straight into member numbers
     *     ({@link PeerListener#presence(Peer, int[], int, int[], int)}) instead of Strings
     */
    public RmsPeer(int index, PeerListener listener, int messageSize, PeerDirectory directory) {
        super(index, listener);
        this.padding = Payload.rmsPadding(messageSize);
        this.messageSize = messageSize;
        this.directory = directory;
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
                long stamp = Payload.readRms(content, messageSize);
                if (stamp > 0) {
                    listener.delivered(this, stamp);
                }
            }
            case 'p' -> {
                if (content.getByte(at + 1) == 'r' && (directory == null || !scanPresence(content))) {
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
        // Its first eight bytes in one read: this runs for every delivery.
        return frame.getLong(start) == TYPE_PREFIX_HEAD && frame.getByte(start + 8) == TYPE_PREFIX[8];
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
        if (directory == null) {
            listener.presence(this, joined, left);
            return;
        }
        int[] j = joined.stream().mapToInt(directory::lookup).toArray();
        int[] l = left.stream().mapToInt(directory::lookup).toArray();
        listener.presence(this, j, j.length, l, l.length);
    }

    /**
     * The fast path for frames without metadata, as the server writes them:
     * {@code "joined":[{"peerId":"…"},…],"left":[…]}, read in one pass without allocating.
     * Returns {@code false} (nothing reported) for anything else, which then takes the parser.
     */
    private boolean scanPresence(ByteBuf frame) {
        // One copy into an array, then plain array reads: a large room's frames hold thousands
        // of entries, and ByteBuf accessors check bounds and liveness on every byte.
        Scratch scratch = SCRATCH.get();
        int len = frame.readableBytes();
        if (scratch.bytes.length < len) {
            scratch.bytes = new byte[Math.max(len, scratch.bytes.length * 2)];
        }
        frame.getBytes(frame.readerIndex(), scratch.bytes, 0, len);
        byte[] f = scratch.bytes;
        // Each byte is looked at once: "joined" comes first, "left" right after its array. An
        // entry with metadata (or anything unexpected) fails the scan, and the parser reads it.
        int j = indexOf(f, len, JOINED, 0);
        if (j < 0) {
            return false;
        }
        int close = scanEntries(scratch, f, len, j + JOINED.length, true);
        int leftAt = close + 2;
        if (close < 0 || leftAt + LEFT.length > len || f[close + 1] != ','
                || !java.util.Arrays.equals(f, leftAt, leftAt + LEFT.length, LEFT, 0, LEFT.length)) {
            return false;
        }
        int joinedCount = scratch.count;
        if (scanEntries(scratch, f, len, leftAt + LEFT.length, false) < 0) {
            return false;
        }
        listener.presence(this, scratch.joined, joinedCount, scratch.left, scratch.count);
        return true;
    }

    /**
     * The index of the first {@code "} or backslash in {@code b[pos, end)}, or {@code end}: eight
     * bytes at a time (a room's N² entries each end a peerId this way).
     */
    static int quoteOrEscape(byte[] b, int pos, int end) {
        for (; pos + Long.BYTES <= end; pos += Long.BYTES) {
            long v = (long) LONGS.get(b, pos);
            long q = v ^ QUOTES;
            long e = v ^ BACKSLASHES;
            // A byte of q or e is zero where v has the byte sought; the lowest flag is exact.
            long found = ((q - ONES) & ~q | (e - ONES) & ~e) & HIGHS;
            if (found != 0) {
                return pos + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        while (pos < end && b[pos] != '"' && b[pos] != '\\') {
            pos++;
        }
        return pos;
    }

    private static int indexOf(byte[] b, int len, byte[] needle, int from) {
        outer:
        for (int i = from; i <= len - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (b[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Reads the entries of one array from {@code pos}; returns the index of its {@code ]}, or -1. */
    private int scanEntries(Scratch scratch, byte[] f, int end, int pos, boolean joined) {
        scratch.count = 0;
        int previous = -1;
        while (pos < end) {
            byte b = f[pos];
            if (b == ']') {
                return pos;
            }
            if (b == ',') {
                pos++;
                continue;
            }
            if (pos + ENTRY.length >= end) {
                return -1;
            }
            // The 11 bytes of {"peerId":" as two overlapping 8-byte words.
            if ((long) LONGS.get(f, pos) != ENTRY_HEAD || (long) LONGS.get(f, pos + ENTRY.length - 8) != ENTRY_TAIL) {
                return -1;
            }
            int idStart = pos + ENTRY.length;
            // Most entries are the member that followed the previous one last time: checked
            // against its id's bytes, without a hash or a table probe.
            int member = directory.predict(previous, f, idStart, end);
            int idEnd;
            if (member >= 0) {
                idEnd = idStart + directory.idLength(member);
            } else {
                idEnd = quoteOrEscape(f, idStart, end);
                if (idEnd + 1 >= end || f[idEnd] != '"') {
                    return -1; // an escape or a cut frame: the parser reads it
                }
                member = directory.lookup(f, idStart, idEnd - idStart);
                directory.followed(previous, member);
            }
            if (idEnd + 1 >= end || f[idEnd + 1] != '}') {
                return -1; // metadata, or a cut frame: the parser reads it
            }
            previous = member;
            if (joined) {
                if (scratch.count == scratch.joined.length) {
                    scratch.joined = java.util.Arrays.copyOf(scratch.joined, scratch.count * 2);
                }
                scratch.joined[scratch.count++] = member;
            } else {
                if (scratch.count == scratch.left.length) {
                    scratch.left = java.util.Arrays.copyOf(scratch.left, scratch.count * 2);
                }
                scratch.left[scratch.count++] = member;
            }
            pos = idEnd + 2;
        }
        return -1;
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

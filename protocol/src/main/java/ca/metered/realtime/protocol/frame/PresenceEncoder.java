package ca.metered.realtime.protocol.frame;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes {@code presence} frames straight into one exactly sized array, byte for byte what the
 * general encoder (Jackson) writes: a large room's snapshots list thousands of peers each, and
 * every join sends one, so this is the server's hottest encoding after messages.
 *
 * <p>PeerIds are printable ASCII (docs/protocol.md 5) and are copied as they are unless they hold a
 * quote or a backslash; any other string (the channel, such a peerId) is written by Jackson's
 * generator, so that escapes are Jackson's own (it writes a character outside the BMP as two
 * escaped surrogates, for one). Metadata is raw JSON, copied as is (as {@code writeRawValue}
 * does).
 *
 * <p>Stateless; thread-safe.
 */
final class PresenceEncoder {
    private static final JsonFactory JSON = new JsonFactory();
    static final byte[] TYPE_CHANNEL = ascii("{\"type\":\"presence\",\"channel\":");
    static final byte[] JOINED = ascii(",\"joined\":[");
    static final byte[] LEFT = ascii("],\"left\":[");
    static final byte[] END = ascii("]}");
    private static final byte[] PEER_ID = ascii("{\"peerId\":");
    private static final byte[] METADATA = ascii(",\"metadata\":");
    private static final byte[] ENTRY_END = ascii("}");

    private PresenceEncoder() {
    }

    static byte[] encode(ServerFrame.Presence p) {
        return encode(p, null, null);
    }

    /**
     * {@link #encode(ServerFrame.Presence)}, noting where each entry ends in the frame (the index
     * after its closing brace) in {@code joinedEnds} and {@code leftEnds} when they are not null.
     */
    static byte[] encode(ServerFrame.Presence p, int[] joinedEnds, int[] leftEnds) {
        byte[] channel = quoted(p.channel());
        List<ServerFrame.PresenceEntry> joined = p.joined();
        List<ServerFrame.PresenceEntry> left = p.left();
        byte[][] metadata = null;
        int size = TYPE_CHANNEL.length + channel.length + JOINED.length + LEFT.length + END.length;
        size += listSize(joined);
        size += listSize(left);
        // Metadata is sized from its UTF-8 form, which is then copied.
        int entries = joined.size() + left.size();
        for (int i = 0; i < entries; i++) {
            ServerFrame.PresenceEntry e = i < joined.size() ? joined.get(i) : left.get(i - joined.size());
            if (e.metadata() != null) {
                if (metadata == null) {
                    metadata = new byte[entries][];
                }
                metadata[i] = e.metadata().json().getBytes(StandardCharsets.UTF_8);
                size += METADATA.length + metadata[i].length; // ,"metadata":<m>
            }
        }
        byte[] out = new byte[size];
        int at = put(out, 0, TYPE_CHANNEL);
        at = put(out, at, channel);
        at = put(out, at, JOINED);
        at = putList(out, at, joined, metadata, 0, joinedEnds);
        at = put(out, at, LEFT);
        at = putList(out, at, left, metadata, joined.size(), leftEnds);
        at = put(out, at, END);
        if (at != size) {
            throw new IllegalStateException("presence frame sized " + size + " but wrote " + at);
        }
        return out;
    }

    /**
     * One entry as it appears in a {@code joined} or {@code left} array:
     * {@code {"peerId":…}} or {@code {"peerId":…,"metadata":…}}.
     */
    static byte[] entry(ServerFrame.PresenceEntry e) {
        byte[] m = e.metadata() == null ? null : e.metadata().json().getBytes(StandardCharsets.UTF_8);
        int size = PEER_ID.length + escapedLength(e.peerId()) + ENTRY_END.length
                + (m == null ? 0 : METADATA.length + m.length);
        byte[] out = new byte[size];
        int at = put(out, 0, PEER_ID);
        at = putEscaped(out, at, e.peerId());
        if (m != null) {
            at = put(out, at, METADATA);
            at = put(out, at, m);
        }
        put(out, at, ENTRY_END);
        return out;
    }

    private static int listSize(List<ServerFrame.PresenceEntry> list) {
        int size = Math.max(0, list.size() - 1); // commas
        for (ServerFrame.PresenceEntry e : list) {
            size += PEER_ID.length + escapedLength(e.peerId()) + ENTRY_END.length;
        }
        return size;
    }

    private static int putList(byte[] out, int at, List<ServerFrame.PresenceEntry> list, byte[][] metadata,
                               int offset, int[] ends) {
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            ServerFrame.PresenceEntry e = list.get(i);
            at = put(out, at, PEER_ID);
            at = putEscaped(out, at, e.peerId());
            byte[] m = metadata == null ? null : metadata[offset + i];
            if (m != null) {
                at = put(out, at, METADATA);
                at = put(out, at, m);
            }
            at = put(out, at, ENTRY_END);
            if (ends != null) {
                ends[i] = at;
            }
        }
        return at;
    }

    /** Whether {@code s} is written as it is, between quotes. */
    private static boolean plain(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Length of {@code s} as a JSON string, quotes included. */
    private static int escapedLength(String s) {
        return plain(s) ? s.length() + 2 : quoted(s).length;
    }

    private static int putEscaped(byte[] out, int at, String s) {
        if (!plain(s)) {
            return put(out, at, quoted(s));
        }
        out[at++] = '"';
        int n = s.length();
        for (int i = 0; i < n; i++) {
            out[at++] = (byte) s.charAt(i);
        }
        out[at++] = '"';
        return at;
    }

    /** {@code s} as Jackson's generator writes a JSON string, quotes included. */
    static byte[] quoted(String s) {
        ByteArrayBuilder out = new ByteArrayBuilder(s.length() + 8);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory output cannot fail
        }
        return out.toByteArray();
    }

    static int put(byte[] out, int at, byte[] b) {
        System.arraycopy(b, 0, out, at, b.length);
        return at + b.length;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

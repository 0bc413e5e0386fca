package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.server.history.redis.RedisHistory;

/**
 * The pub/sub payloads. A small line format instead of JSON, so a node parses the header
 * without touching {@code data}, which is carried verbatim as the last field:
 *
 * <pre>
 * m\n{originNode}\n{originConnectionId}\n{from}\n{metadataLength or -1}\n{metadata}{data}   channel topic
 * h\n{epoch}\n{offset}\n{originNode}\n…                   (as m, with the position)   channel topic (built in Lua)
 * p\n{seq}\n{j|l}\n{peerId}\n{metadata or empty}                                         channel topic (built in Lua)
 * d\n{from}\n{metadataLength or -1}\n{metadata}{data}                                     peer topic
 * k\n{app}\n{peerId}                                                                      control topic
 * </pre>
 *
 * Header fields never contain a newline (peerIds are printable ASCII, node ids are UUIDs).
 * Stateless; thread-safe.
 */
final class Envelope {
    private Envelope() {
    }

    /** {@code m\n} and the {@link #tail}, built in one buffer (one per message on the publish path). */
    static String publication(Publication p) {
        String data = p.data().json();
        RawJson meta = p.fromMetadata();
        StringBuilder b = new StringBuilder(64 + p.originNode().length() + p.from().length() + data.length()
                + (meta == null ? 0 : meta.json().length()));
        b.append(RedisHistory.PLAIN).append('\n').append(p.originNode()).append('\n').append(p.originConnectionId())
                .append('\n').append(p.from()).append('\n');
        appendTail(b, meta, p.data());
        return b.toString();
    }

    /**
     * A publication after its kind (and, for {@code h}, its position): what {@code publish.lua}
     * publishes, and from {@link Tail#entryStart} on, what it keeps in the channel's history.
     */
    record Tail(String text, int entryStart) {
    }

    static Tail tail(Publication p) {
        String head = p.originNode() + "\n" + p.originConnectionId() + "\n";
        return new Tail(head + RedisHistory.entry(p.from(), p.fromMetadata(), p.data()), head.length());
    }

    static String direct(DirectMessage d) {
        StringBuilder b = new StringBuilder(48 + d.data().json().length());
        b.append("d\n").append(d.from()).append('\n');
        appendTail(b, d.fromMetadata(), d.data());
        return b.toString();
    }

    static String kick(String app, String peerId) {
        return "k\n" + app + '\n' + peerId;
    }

    private static void appendTail(StringBuilder b, RawJson metadata, RawJson data) {
        if (metadata == null) {
            b.append("-1\n");
        } else {
            b.append(metadata.json().length()).append('\n').append(metadata.json());
        }
        b.append(data.json());
    }

    static char kind(String payload) {
        return payload.isEmpty() ? '?' : payload.charAt(0);
    }

    static Publication parsePublication(String app, String channel, String s) {
        return parseTail(app, channel, new Cursor(s, 2), null);
    }

    /** A {@code h} payload: a publication with its position in the channel's history. */
    static Publication parsePositioned(String app, String channel, String s) {
        Cursor c = new Cursor(s, 2);
        String epoch = c.field();
        long offset = Long.parseLong(c.field());
        return parseTail(app, channel, c, new StreamPosition(epoch, offset));
    }

    private static Publication parseTail(String app, String channel, Cursor c, StreamPosition position) {
        String origin = c.field();
        long conn = Long.parseLong(c.field());
        String from = c.field();
        int metaLen = Integer.parseInt(c.field());
        RawJson meta = metaLen < 0 ? null : RawJson.of(c.take(metaLen));
        return new Publication(origin, conn, app, channel, from, RawJson.of(c.rest()), meta, position);
    }

    static DirectMessage parseDirect(String app, String to, String s) {
        Cursor c = new Cursor(s, 2);
        String from = c.field();
        int metaLen = Integer.parseInt(c.field());
        RawJson meta = metaLen < 0 ? null : RawJson.of(c.take(metaLen));
        return new DirectMessage(null, app, to, from, RawJson.of(c.rest()), meta);
    }

    static PresenceDelta parsePresence(String s) {
        Cursor c = new Cursor(s, 2);
        long seq = Long.parseLong(c.field());
        boolean joined = c.field().equals("j");
        String peer = c.field();
        String meta = c.rest();
        return new PresenceDelta(seq, joined, peer, joined && !meta.isEmpty() ? RawJson.of(meta) : null);
    }

    /** A kick as it crosses the control topic. */
    record Kick(String appId, String peerId) {
    }

    static Kick parseKick(String s) {
        Cursor c = new Cursor(s, 2);
        return new Kick(c.field(), c.rest());
    }

    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        String field() {
            int nl = s.indexOf('\n', pos);
            if (nl < 0) {
                throw new IllegalArgumentException("truncated backplane payload");
            }
            String f = s.substring(pos, nl);
            pos = nl + 1;
            return f;
        }

        String take(int n) {
            String f = s.substring(pos, pos + n);
            pos += n;
            return f;
        }

        String rest() {
            return s.substring(pos);
        }
    }
}

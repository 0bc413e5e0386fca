package ca.metered.realtime.protocol.frame;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The presence members of a channel at one moment, already encoded: what a subscribe answers
 * with (docs/protocol.md 2.3). {@link #presenceFrame} writes the {@code presence} frame that lists
 * them as {@code joined} by copying the encoded entries in bulk — byte for byte what
 * {@link FrameCodec#encode} writes for the same entries — and {@link #without} leaves out the
 * subscriber's own entry without copying anything.
 *
 * <p>Taken from a {@link PresenceRoster} (sharing its arrays) or made from a list with
 * {@link #of}. Immutable; thread-safe.
 */
public final class PresenceMembers {
    /** Nobody. */
    public static final PresenceMembers NONE = of(List.of());

    /** What closes a snapshot: the {@code joined} list, an empty {@code left} and the frame. */
    private static final byte[] LEFT_NOBODY_END = concat(PresenceEncoder.LEFT, PresenceEncoder.END);

    private final byte[] bytes;
    private final int[] ends;
    private final PresenceRoster.Member[] slots;
    private final int count;
    /** The slot left out, or -1. */
    private final int left;
    /** The slot {@link #without} will most likely be asked to leave out, or -1. */
    private final int hint;

    PresenceMembers(byte[] bytes, int[] ends, PresenceRoster.Member[] slots, int count, int left, int hint) {
        this.bytes = bytes;
        this.ends = ends;
        this.slots = slots;
        this.count = count;
        this.left = left;
        this.hint = hint;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** These entries, in this order, encoded once (peerIds are expected to be distinct). */
    public static PresenceMembers of(List<ServerFrame.PresenceEntry> entries) {
        PresenceRoster roster = new PresenceRoster();
        for (ServerFrame.PresenceEntry e : entries) {
            roster.add(e.peerId(), e.metadata());
        }
        return roster.members();
    }

    public int size() {
        return left < 0 ? count : count - 1;
    }

    /** These members without {@code peerId}'s entry (the same members if it is not among them). */
    public PresenceMembers without(String peerId) {
        int i = hint >= 0 && slots[hint].peerId().equals(peerId) ? hint : indexOf(peerId);
        if (i < 0 || i == left) {
            return this;
        }
        if (left >= 0) {
            throw new IllegalStateException("already without " + slots[left].peerId());
        }
        return new PresenceMembers(bytes, ends, slots, count, i, -1);
    }

    private int indexOf(String peerId) {
        for (int i = 0; i < count; i++) {
            if (slots[i].peerId().equals(peerId)) {
                return i;
            }
        }
        return -1;
    }

    /** The members as entries (made on each read; for tests and the REST API, not the hot path). */
    public List<ServerFrame.PresenceEntry> entries() {
        return new Entries();
    }

    /**
     * The {@code presence} frame of {@code channel} with these members {@code joined} and nobody
     * {@code left}: the snapshot that follows a subscribe's ack (docs/protocol.md 2.3), as one
     * array of its own. {@link #presenceSlices} is the same frame without the copy.
     */
    public byte[] presenceFrame(String channel) {
        return presenceSlices(channel).toBytes();
    }

    /**
     * {@link #presenceFrame}'s bytes as slices: a small head with the channel, the shared encoded
     * entries before and after the one left out (the last comma dropped), and the end — nothing
     * of the entries is copied, however many there are.
     */
    public FrameSlices presenceSlices(String channel) {
        byte[] quoted = PresenceEncoder.quoted(channel);
        byte[] head = new byte[PresenceEncoder.TYPE_CHANNEL.length + quoted.length + PresenceEncoder.JOINED.length];
        int at = PresenceEncoder.put(head, 0, PresenceEncoder.TYPE_CHANNEL);
        at = PresenceEncoder.put(head, at, quoted);
        PresenceEncoder.put(head, at, PresenceEncoder.JOINED);
        int total = count == 0 ? 0 : ends[count - 1];
        int skipFrom = left < 0 ? total : (left == 0 ? 0 : ends[left - 1]);
        int skipTo = left < 0 ? total : ends[left];
        FrameSlices.Builder frame = new FrameSlices.Builder().add(head)
                .add(bytes, 0, skipFrom)
                .add(bytes, skipTo, total - skipTo);
        if (total - (skipTo - skipFrom) > 0) {
            frame.dropLast(); // the last entry's comma: the list closes there
        }
        return frame.add(LEFT_NOBODY_END).build();
    }

    @Override
    public String toString() {
        return "PresenceMembers" + entries();
    }

    private final class Entries extends AbstractList<ServerFrame.PresenceEntry> implements RandomAccess {
        @Override
        public ServerFrame.PresenceEntry get(int i) {
            if (i < 0 || i >= size()) {
                throw new IndexOutOfBoundsException(i);
            }
            return slots[left >= 0 && i >= left ? i + 1 : i].entry();
        }

        @Override
        public int size() {
            return PresenceMembers.this.size();
        }
    }
}

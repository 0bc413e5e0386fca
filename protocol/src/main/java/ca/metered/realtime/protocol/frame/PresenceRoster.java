package ca.metered.realtime.protocol.frame;

import java.util.Arrays;

/**
 * A channel's presence members kept encoded, so that the snapshot every joiner of a large room
 * gets (docs/protocol.md 2.3) is a copy of shared bytes rather than thousands of entries built
 * and encoded once per joiner. Each member's entry ({@code {"peerId":…,"metadata":…}}, exactly
 * as {@link FrameCodec#encode} writes it) is encoded once, when the member is added, and appended
 * to one array, each entry followed by a comma. A removal only leaves a gap; gaps are closed
 * before the next {@link #members()} — in place when no {@link PresenceMembers} reads the array,
 * else into new arrays — so a room that only grows never copies its entries but to grow the
 * array, and a room with churn copies them once per snapshot taken after a leave.
 *
 * <p>{@link #members} hands out an immutable {@link PresenceMembers} that shares the arrays: the
 * bytes and slots below its end are never written again (appends go past it, closing gaps and
 * growing write new arrays once it is shared), so taking a snapshot costs nothing.
 *
 * <p>Not thread-safe: its owner guards it (the in-memory presence store's roster lock). The
 * {@link PresenceMembers} it returns may be read from any thread once safely published.
 */
public final class PresenceRoster {
    private static final byte[] NO_BYTES = new byte[0];
    private static final int[] NO_INTS = new int[0];
    private static final Member[] NO_MEMBERS = new Member[0];

    /**
     * One member's place in the roster: returned by {@link #add}, given back to {@link #remove}.
     * Its peerId and metadata are immutable; its place is the roster's (guarded by its owner).
     */
    public static final class Member {
        private final String peerId;
        private final RawJson metadata;
        /** Its slot in the roster's current arrays; -1 once removed. */
        private int index;

        Member(String peerId, RawJson metadata, int index) {
            this.peerId = peerId;
            this.metadata = metadata;
            this.index = index;
        }

        public String peerId() {
            return peerId;
        }

        public RawJson metadata() {
            return metadata;
        }

        ServerFrame.PresenceEntry entry() {
            return new ServerFrame.PresenceEntry(peerId, metadata);
        }
    }

    /** The entries, each followed by a comma; gaps where members were removed. */
    private byte[] bytes = NO_BYTES;
    private int used;
    /** Slot i's entry ends (its comma included) at {@code ends[i]}; it starts where slot i−1 ends. */
    private int[] ends = NO_INTS;
    /** Slot i's member; a removed member's slot is a gap (its index no longer points here). */
    private Member[] slots = NO_MEMBERS;
    private int count;
    private int gaps;
    private int gapBytes;
    /** Whether a {@link PresenceMembers} reads the current arrays: then they are never written below {@link #count}. */
    private boolean shared;

    /** Members now. */
    public int size() {
        return count - gaps;
    }

    /** Bytes of the encoded entries now (commas included): about what a snapshot frame carries. */
    public int encodedBytes() {
        return used - gapBytes;
    }

    /** Adds a member at the end; the caller makes sure a peerId is in the roster at most once. */
    public Member add(String peerId, RawJson metadata) {
        byte[] entry = PresenceEncoder.entry(new ServerFrame.PresenceEntry(peerId, metadata));
        int need = used + entry.length + 1;
        if (count == slots.length || need > bytes.length) {
            // Each array grows when it is full, not when the other one is: growing the slots with
            // the bytes left a room of 10 with 32 slots (docs/performance.md, "Idle connections").
            // All three are copied either way, so none is shared with a snapshot afterwards.
            reallocate(need > bytes.length ? Math.max(need, bytes.length * 2) : bytes.length,
                    count == slots.length ? Math.max(count + 1, slots.length * 2) : slots.length);
        }
        System.arraycopy(entry, 0, bytes, used, entry.length);
        used += entry.length;
        bytes[used++] = ',';
        Member m = new Member(peerId, metadata, count);
        slots[count] = m;
        ends[count] = used;
        count++;
        return m;
    }

    /** Removes a member added here; removing it twice does nothing. */
    public void remove(Member m) {
        int i = m.index;
        if (i < 0 || i >= count || slots[i] != m) {
            return;
        }
        m.index = -1;
        gaps++;
        gapBytes += ends[i] - start(i);
    }

    /** The members now, in the order they were added. */
    public PresenceMembers members() {
        return members(null);
    }

    /**
     * The members now; {@code likelySelf} (a member of this roster, or null) is the one the
     * snapshot will most likely be asked to leave out ({@link PresenceMembers#without}): the
     * joiner it is taken for. Leaving it out then needs no search.
     */
    public PresenceMembers members(Member likelySelf) {
        if (gaps > 0) {
            closeGaps();
        }
        shared = true;
        int hint = likelySelf == null ? -1 : likelySelf.index;
        return new PresenceMembers(bytes, ends, slots, count, -1, hint);
    }

    private int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    /** Copies the live entries, in order, to the front: into new arrays when shared or oversized. */
    private void closeGaps() {
        int live = count - gaps;
        int liveBytes = used - gapBytes;
        boolean oversized = bytes.length > 4 * liveBytes + 1024;
        byte[] toBytes = bytes;
        int[] toEnds = ends;
        Member[] toSlots = slots;
        if (shared || oversized) {
            toBytes = new byte[liveBytes + liveBytes / 2 + 64];
            toEnds = new int[live + live / 2 + 4];
            toSlots = new Member[toEnds.length];
        }
        int at = 0;
        int n = 0;
        int from = 0; // where slot i starts, read before slot i−1's end may be overwritten
        for (int i = 0; i < count; i++) {
            Member m = slots[i];
            int end = ends[i];
            if (m.index == i) { // else a gap
                // In place this moves bytes down (or not at all): arraycopy handles the overlap.
                System.arraycopy(bytes, from, toBytes, at, end - from);
                at += end - from;
                toEnds[n] = at;
                toSlots[n] = m;
                m.index = n;
                n++;
            }
            from = end;
        }
        if (toSlots == slots) {
            Arrays.fill(slots, n, count, null);
        } else {
            shared = false;
        }
        bytes = toBytes;
        ends = toEnds;
        slots = toSlots;
        used = at;
        count = n;
        gaps = 0;
        gapBytes = 0;
    }

    /** Grows into new arrays (a shared snapshot keeps the old ones). */
    private void reallocate(int byteCapacity, int slotCapacity) {
        bytes = Arrays.copyOf(bytes, Math.max(byteCapacity, 64));
        ends = Arrays.copyOf(ends, Math.max(slotCapacity, 4));
        slots = Arrays.copyOf(slots, ends.length);
        shared = false;
    }
}

package ca.metered.realtime.bench.load;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * peerId → member number, looked up straight from the bytes of a received frame, so that a
 * large room's presence traffic (N² entries) is checked without making a String per entry.
 * An open-addressing table keyed by a 64-bit hash of the id's bytes; a hit is confirmed by
 * comparing the bytes, so the answer is exact.
 *
 * <p>Each slot is one 64-byte run of a single array — the hash, the member, the id's length and
 * the id itself (up to {@value #INLINE} bytes) — so a lookup reads one cache line, not a hash
 * array, a reference array, the id's own array and a member array (a room of 10,000 looks up
 * 100 M entries). Longer ids, which the servers measured do not hand out, are kept in a map.
 *
 * <p>Thread-safe: registration is synchronized; a lookup reads without the lock and confirms a
 * miss under it.
 */
public final class PeerDirectory {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int SLOT = 64;
    private static final int HASH = 0;
    /** The member + 1 (0: an empty slot). */
    private static final int MEMBER = 8;
    private static final int LENGTH = 12;
    private static final int ID = 16;
    static final int INLINE = SLOT - ID;

    private final byte[] table;
    private final int mask;
    /**
     * By member: the id's length + 1 (0: unknown, or not predictable) then its bytes, in
     * {@value #SLOT}-byte runs; read by {@link #predict}.
     */
    private final byte[] byMember;
    /** By member: the member seen right after it in the last presence array, or -1; a hint only. */
    private final int[] successor;
    /**
     * By member: its id's length, for {@link #idLength} — a plain read (C1 does not fold a
     * VarHandle's checks); written before the release in {@link #register} that
     * {@link #predict}'s acquire pairs with.
     */
    private final int[] idLengths;
    /** Ids longer than {@link #INLINE}; guarded by {@code this}. */
    private final Map<String, Integer> longIds = new HashMap<>();

    public PeerDirectory(int capacity) {
        int slots = Integer.highestOneBit(Math.max(16, capacity * 3) - 1) << 1;
        table = new byte[slots * SLOT];
        mask = slots - 1;
        byMember = new byte[capacity * SLOT];
        successor = new int[capacity];
        idLengths = new int[capacity];
        Arrays.fill(successor, -1);
    }

    /** @return {@code false} if the id was already registered */
    public synchronized boolean register(String peerId, int member) {
        byte[] id = peerId.getBytes(StandardCharsets.UTF_8);
        if (id.length > INLINE) {
            return longIds.putIfAbsent(peerId, member) == null;
        }
        long h = hash(id, 0, id.length);
        int slot = (int) h & mask;
        int at;
        while ((int) INTS.get(table, (at = slot * SLOT) + MEMBER) != 0) {
            if (matches(at, h, id, 0, id.length)) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        LONGS.set(table, at + HASH, h);
        INTS.set(table, at + LENGTH, id.length);
        System.arraycopy(id, 0, table, at + ID, id.length);
        if (member >= 0 && member < successor.length && predictable(id)) {
            System.arraycopy(id, 0, byMember, member * SLOT + Integer.BYTES, id.length);
            idLengths[member] = id.length;
            INTS.setRelease(byMember, member * SLOT, id.length + 1);
        }
        // Last, so that a reader that sees the member sees the rest (plain writes are confirmed
        // under the lock on a miss: see lookup).
        INTS.setRelease(table, at + MEMBER, member + 1);
        return true;
    }

    /** Non-empty, and nothing JSON escapes: its bytes in a frame are its bytes here. */
    private static boolean predictable(byte[] id) {
        for (byte c : id) {
            if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) {
                return false;
            }
        }
        return id.length > 0;
    }

    /**
     * The member that followed {@code previous} last time ({@link #followed}), if its peerId is
     * exactly what {@code b} holds from {@code index} — its bytes, then the closing quote — else
     * -1. A large room's presence arrays list the members in one order (the order they joined),
     * the same in every snapshot and in every delta frame, so this is nearly always right, and it
     * reads the ids in order instead of hashing each one and probing the table at random. Exact:
     * a wrong guess compares unequal and the caller looks the id up.
     */
    public int predict(int previous, byte[] b, int index, int end) {
        if (previous < 0 || previous >= successor.length) {
            return -1;
        }
        int next = successor[previous];
        if (next < 0) {
            return -1;
        }
        int at = next * SLOT;
        int length = (int) INTS.getAcquire(byMember, at) - 1;
        if (length <= 0 || index + length >= end || b[index + length] != '"'
                || !ByteRuns.equal(byMember, at + Integer.BYTES, b, index, length)) {
            return -1;
        }
        return next;
    }

    /** The length of a member's peerId in bytes, once {@link #predict} returned it. */
    public int idLength(int member) {
        return idLengths[member];
    }

    /** Remembers that {@code member} came right after {@code previous} in a presence array. */
    public void followed(int previous, int member) {
        if (previous >= 0 && previous < successor.length && member >= 0) {
            successor[previous] = member; // racy on purpose: a stale hint only costs a lookup
        }
    }

    /** The member whose peerId is {@code b[index, index+length)}, or -1. */
    public int lookup(byte[] b, int index, int length) {
        int m = length > INLINE ? -1 : find(b, index, length);
        // A miss is rare (an anomaly) and may be a registration this thread has not seen yet:
        // confirm it under the lock that published the registration.
        return m >= 0 ? m : lookupLocked(b, index, length);
    }

    /** The member whose peerId is {@code peerId}, or -1. */
    public int lookup(String peerId) {
        byte[] b = peerId.getBytes(StandardCharsets.UTF_8);
        return lookup(b, 0, b.length);
    }

    private synchronized int lookupLocked(byte[] b, int index, int length) {
        if (length > INLINE) {
            Integer m = longIds.get(new String(b, index, length, StandardCharsets.UTF_8));
            return m == null ? -1 : m;
        }
        return find(b, index, length);
    }

    private int find(byte[] b, int index, int length) {
        long h = hash(b, index, length);
        int slot = (int) h & mask;
        int at;
        int member;
        while ((member = (int) INTS.getAcquire(table, (at = slot * SLOT) + MEMBER)) != 0) {
            if (matches(at, h, b, index, length)) {
                return member - 1;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    private boolean matches(int at, long h, byte[] b, int index, int length) {
        return (long) LONGS.get(table, at + HASH) == h && (int) INTS.get(table, at + LENGTH) == length
                && ByteRuns.equal(table, at + ID, b, index, length);
    }

    private static long hash(byte[] b, int index, int length) {
        // Eight bytes at a time: a room's N² presence entries each look one id up.
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = index;
        int end = index + length;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            h = (h ^ (long) LONGS.get(b, i)) * 0x100000001B3L;
            h ^= h >>> 29;
        }
        for (; i < end; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}

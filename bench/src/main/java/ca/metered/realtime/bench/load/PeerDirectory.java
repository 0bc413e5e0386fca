package ca.metered.realtime.bench.load;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * peerId → member number, looked up straight from the bytes of a received frame, so that a
 * large room's presence traffic (N² entries) is checked without making a String per entry.
 * An open-addressing table keyed by a 64-bit hash of the id's bytes; a hit is confirmed by
 * comparing the bytes, so the answer is exact.
 *
 * <p>Thread-safe: registration is synchronized; a lookup reads without the lock and confirms a
 * miss under it.
 */
public final class PeerDirectory {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private final long[] hashes;
    private final int[] members;
    private final byte[][] ids;
    private final int mask;

    public PeerDirectory(int capacity) {
        int size = Integer.highestOneBit(Math.max(16, capacity * 4) - 1) << 1;
        hashes = new long[size];
        members = new int[size];
        ids = new byte[size][];
        mask = size - 1;
    }

    /** @return {@code false} if the id was already registered */
    public synchronized boolean register(String peerId, int member) {
        byte[] id = peerId.getBytes(StandardCharsets.UTF_8);
        long h = hash(id, 0, id.length);
        int slot = (int) h & mask;
        while (ids[slot] != null) {
            if (hashes[slot] == h && Arrays.equals(ids[slot], id)) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        hashes[slot] = h;
        members[slot] = member;
        ids[slot] = id;
        return true;
    }

    /** The member whose peerId is {@code b[index, index+length)}, or -1. */
    public int lookup(byte[] b, int index, int length) {
        int m = find(b, index, length);
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
        return find(b, index, length);
    }

    private int find(byte[] b, int index, int length) {
        long h = hash(b, index, length);
        int slot = (int) h & mask;
        byte[] id;
        while ((id = ids[slot]) != null) {
            if (hashes[slot] == h && Arrays.equals(id, 0, id.length, b, index, index + length)) {
                return members[slot];
            }
            slot = (slot + 1) & mask;
        }
        return -1;
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

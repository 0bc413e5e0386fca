package ca.metered.realtime.bench.load;

import io.netty.buffer.ByteBuf;
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
        long h = hash(id);
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

    /** The member whose peerId is {@code buf[index, index+length)}, or -1. */
    public int lookup(ByteBuf buf, int index, int length) {
        int m = find(buf, index, length);
        // A miss is rare (an anomaly) and may be a registration this thread has not seen yet:
        // confirm it under the lock that published the registration.
        return m >= 0 ? m : lookupLocked(buf, index, length);
    }

    /** The member whose peerId is {@code peerId}, or -1. */
    public int lookup(String peerId) {
        return lookup(io.netty.buffer.Unpooled.wrappedBuffer(peerId.getBytes(StandardCharsets.UTF_8)), 0,
                peerId.getBytes(StandardCharsets.UTF_8).length);
    }

    private synchronized int lookupLocked(ByteBuf buf, int index, int length) {
        return find(buf, index, length);
    }

    private int find(ByteBuf buf, int index, int length) {
        long h = hash(buf, index, length);
        int slot = (int) h & mask;
        byte[] id;
        while ((id = ids[slot]) != null) {
            if (hashes[slot] == h && id.length == length && sameBytes(id, buf, index)) {
                return members[slot];
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    private static boolean sameBytes(byte[] id, ByteBuf buf, int index) {
        for (int i = 0; i < id.length; i++) {
            if (id[i] != buf.getByte(index + i)) {
                return false;
            }
        }
        return true;
    }

    private static long hash(byte[] b) {
        long h = 0x9E3779B97F4A7C15L;
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x100000001B3L;
        }
        return mix(h, b.length);
    }

    private static long hash(ByteBuf buf, int index, int length) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < length; i++) {
            h = (h ^ (buf.getByte(index + i) & 0xff)) * 0x100000001B3L;
        }
        return mix(h, length);
    }

    private static long mix(long h, int length) {
        h ^= length;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}

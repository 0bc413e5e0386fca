package ca.metered.realtime.bench.load;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The presence roster every member of one large room holds, built only from the frames it
 * received (snapshot and deltas alike), checked against the truth: the room is complete when
 * every member sees exactly every other member. Counts frames and entries (coalescing shows as
 * many entries per frame) and every anomaly: an unknown peerId, oneself, a {@code joined} for a
 * peer already present, a {@code left} for one absent, a peerId in both arrays of a frame.
 *
 * <p>Thread-safe: each member's roster is touched only from its connection's event loop
 * ({@link #presence}); the totals are atomic.
 */
public final class RosterBoard implements PeerListener {
    private final int members;
    private final PeerDirectory directory;
    /**
     * Per member: its roster as a bit set in plain words (bit {@code other} of word
     * {@code other >>> 6}); one read and one write per entry, where {@link java.util.BitSet}'s
     * get-then-set is two calls C1 does not inline (the generator runs C1 only).
     */
    private final long[][] rosters;
    /** Per member: the peers of the frame being applied's {@code joined} array, same layout. */
    private final long[][] inFrame;
    /** Roster sizes; written by each member's loop, read by the workload's thread. */
    private final AtomicIntegerArray counts;
    private final AtomicInteger complete = new AtomicInteger();
    private final AtomicLong lastCompleteNanos = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong anomalies = new AtomicLong();
    private final AtomicLong closes = new AtomicLong();
    private volatile String firstAnomaly;
    private volatile boolean expectClose;

    public RosterBoard(int members) {
        this.members = members;
        this.directory = new PeerDirectory(members);
        int words = (members + Long.SIZE - 1) >>> 6;
        this.rosters = new long[members][words];
        this.inFrame = new long[members][words];
        this.counts = new AtomicIntegerArray(members);
    }

    /** The peerIds of the members, for {@link RmsPeer}s to read presence frames with. */
    public PeerDirectory directory() {
        return directory;
    }

    /** Records a member's peerId; call before it subscribes, so no one can see it unannounced. */
    public void register(int member, String peerId) {
        if (!directory.register(peerId, member)) {
            anomaly("peerId " + peerId + " given to two connections");
        }
    }

    @Override
    public void presence(Peer peer, List<String> joined, List<String> left) {
        int[] j = joined.stream().mapToInt(directory::lookup).toArray();
        int[] l = left.stream().mapToInt(directory::lookup).toArray();
        presence(peer, j, j.length, l, l.length);
    }

    @Override
    public void presence(Peer peer, int[] joined, int joinedCount, int[] left, int leftCount) {
        frames.incrementAndGet();
        entries.addAndGet(joinedCount + leftCount);
        int me = peer.index();
        long[] roster = rosters[me];
        long[] mark = inFrame[me];
        int before = counts.get(me);
        int size = before;
        // A peer in both arrays can only be seen when there is a left array: snapshots (half of a
        // room's entries) have none, and need not mark their joiners.
        boolean marking = leftCount > 0;
        for (int i = 0; i < joinedCount; i++) {
            int other = joined[i];
            if (other < 0 || other >= members || other == me) {
                anomaly("member " + me + " got joined " + (other == me ? "itself" : "an unknown peerId"));
                continue;
            }
            int w = other >>> 6;
            long bit = 1L << other;
            if (marking) {
                mark[w] |= bit;
            }
            long held = roster[w];
            if ((held & bit) != 0) {
                anomaly("member " + me + " got joined member " + other + ", already present");
            } else {
                roster[w] = held | bit;
                size++;
            }
        }
        for (int i = 0; i < leftCount; i++) {
            int other = left[i];
            boolean known = other >= 0 && other < members;
            long bit = 1L << other;
            if (known && (mark[other >>> 6] & bit) != 0) {
                anomaly("member " + me + " got member " + other + " in joined and left of one frame");
            }
            if (!known || (roster[other >>> 6] & bit) == 0) {
                anomaly("member " + me + " got left " + (!known ? "an unknown peerId" : "member " + other)
                        + ", not present");
            } else {
                roster[other >>> 6] &= ~bit;
                size--;
            }
        }
        for (int i = 0; marking && i < joinedCount; i++) {
            int other = joined[i];
            if (other >= 0 && other < members) {
                mark[other >>> 6] &= ~(1L << other);
            }
        }
        counts.set(me, size);
        int after = size;
        if (before != members - 1 && after == members - 1) {
            complete.incrementAndGet();
            lastCompleteNanos.accumulateAndGet(System.nanoTime(), Math::max);
        } else if (before == members - 1 && after != members - 1) {
            complete.decrementAndGet();
        }
    }

    @Override
    public void closed(Peer peer, int code) {
        if (!expectClose) {
            closes.incrementAndGet();
            anomaly("member " + peer.index() + " closed by the server with " + code);
        }
    }

    @Override
    public void error(Peer peer, String text) {
        anomaly("member " + peer.index() + ": " + text);
    }

    public void expectClose() {
        expectClose = true;
    }

    private void anomaly(String what) {
        if (anomalies.getAndIncrement() == 0) {
            firstAnomaly = what;
        }
    }

    /** Members whose roster is exactly every other member right now. */
    public int complete() {
        return complete.get();
    }

    /** {@code System.nanoTime()} when the last member became complete. */
    public long lastCompleteNanos() {
        return lastCompleteNanos.get();
    }

    /** Roster entries held over all members, against {@code members × (members − 1)} when complete. */
    public long entriesHeld() {
        long sum = 0;
        for (int i = 0; i < members; i++) {
            sum += counts.get(i);
        }
        return sum;
    }

    public long frames() {
        return frames.get();
    }

    public long entries() {
        return entries.get();
    }

    public long anomalies() {
        return anomalies.get();
    }

    public long closes() {
        return closes.get();
    }

    public String firstAnomaly() {
        return firstAnomaly;
    }
}

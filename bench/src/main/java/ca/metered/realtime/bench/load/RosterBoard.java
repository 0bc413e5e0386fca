package ca.metered.realtime.bench.load;

import java.util.BitSet;
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
    private final BitSet[] rosters;
    /** Per member: the peers of the frame being applied's {@code joined} array. */
    private final BitSet[] inFrame;
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
        this.rosters = new BitSet[members];
        this.inFrame = new BitSet[members];
        this.counts = new AtomicIntegerArray(members);
        for (int i = 0; i < members; i++) {
            rosters[i] = new BitSet(members);
            inFrame[i] = new BitSet(members);
        }
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
        BitSet roster = rosters[me];
        BitSet mark = inFrame[me];
        int before = counts.get(me);
        int size = before;
        // A peer in both arrays can only be seen when there is a left array: snapshots (half of a
        // room's entries) have none, and need not mark their joiners.
        boolean marking = leftCount > 0;
        for (int i = 0; i < joinedCount; i++) {
            int other = joined[i];
            if (other < 0 || other == me) {
                anomaly("member " + me + " got joined " + (other < 0 ? "an unknown peerId" : "itself"));
                continue;
            }
            if (marking) {
                mark.set(other);
            }
            if (roster.get(other)) {
                anomaly("member " + me + " got joined member " + other + ", already present");
            } else {
                roster.set(other);
                size++;
            }
        }
        for (int i = 0; i < leftCount; i++) {
            int other = left[i];
            if (other >= 0 && mark.get(other)) {
                anomaly("member " + me + " got member " + other + " in joined and left of one frame");
            }
            if (other < 0 || !roster.get(other)) {
                anomaly("member " + me + " got left " + (other < 0 ? "an unknown peerId" : "member " + other)
                        + ", not present");
            } else {
                roster.clear(other);
                size--;
            }
        }
        for (int i = 0; marking && i < joinedCount; i++) {
            if (joined[i] >= 0) {
                mark.clear(joined[i]);
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

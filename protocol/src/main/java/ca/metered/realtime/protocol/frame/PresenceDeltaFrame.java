package ca.metered.realtime.protocol.frame;

import java.util.List;

/**
 * A {@code presence} frame of deltas (docs/protocol.md 2.3), encoded once with the place of each
 * entry, and the frames that list only part of its entries, as slices of it.
 *
 * <p>A large room's window gathers a few hundred joins; every member gets the whole frame, but
 * each joiner of the window must get only the entries after its own snapshot, and never its own
 * entry. Those frames are {@link #part}: a tail of each array with at most one entry left out,
 * written from the shared frame's bytes — byte for byte what {@link FrameCodec#encode} writes for
 * the same entries, with nothing encoded or copied per joiner.
 *
 * <p>Immutable; thread-safe.
 */
public final class PresenceDeltaFrame {
    private final byte[] bytes;
    /** Where the {@code joined} array's first entry starts: the head is everything before it. */
    private final int joinedStart;
    private final int[] joinedEnds;
    private final int leftStart;
    private final int[] leftEnds;

    private PresenceDeltaFrame(byte[] bytes, int joinedStart, int[] joinedEnds, int leftStart, int[] leftEnds) {
        this.bytes = bytes;
        this.joinedStart = joinedStart;
        this.joinedEnds = joinedEnds;
        this.leftStart = leftStart;
        this.leftEnds = leftEnds;
    }

    /** The frame of {@code channel} with these entries {@code joined} and these {@code left}. */
    public static PresenceDeltaFrame of(String channel, List<ServerFrame.PresenceEntry> joined,
                                        List<ServerFrame.PresenceEntry> left) {
        int[] joinedEnds = new int[joined.size()];
        int[] leftEnds = new int[left.size()];
        byte[] bytes = PresenceEncoder.encode(new ServerFrame.Presence(channel, joined, left), joinedEnds, leftEnds);
        int joinedStart = PresenceEncoder.TYPE_CHANNEL.length + PresenceEncoder.quoted(channel).length
                + PresenceEncoder.JOINED.length;
        int joinedEnd = joinedEnds.length == 0 ? joinedStart : joinedEnds[joinedEnds.length - 1];
        return new PresenceDeltaFrame(bytes, joinedStart, joinedEnds, joinedEnd + PresenceEncoder.LEFT.length, leftEnds);
    }

    /** The whole frame (shared: must not be modified). */
    public byte[] bytes() {
        return bytes;
    }

    /**
     * The frame with only the {@code joined} entries from index {@code joinedFrom} and the
     * {@code left} entries from {@code leftFrom}, leaving out the joined entry {@code joinedSkip}
     * and the left entry {@code leftSkip} (-1: none), in the same order; {@code null} when that
     * leaves no entry at all.
     */
    public FrameSlices part(int joinedFrom, int joinedSkip, int leftFrom, int leftSkip) {
        if (count(joinedEnds.length, joinedFrom, joinedSkip) + count(leftEnds.length, leftFrom, leftSkip) == 0) {
            return null;
        }
        FrameSlices.Builder out = new FrameSlices.Builder().add(bytes, 0, joinedStart);
        entries(out, joinedStart, joinedEnds, joinedFrom, joinedSkip);
        out.add(PresenceEncoder.LEFT);
        entries(out, leftStart, leftEnds, leftFrom, leftSkip);
        return out.add(PresenceEncoder.END).build();
    }

    private static int count(int n, int from, int skip) {
        int tail = Math.max(0, n - from);
        return skip >= from && skip < n ? tail - 1 : tail;
    }

    /** Entries {@code from..} of one array without {@code skip}, with the commas between them. */
    private void entries(FrameSlices.Builder out, int listStart, int[] ends, int from, int skip) {
        int n = ends.length;
        if (from >= n) {
            return;
        }
        if (skip < from || skip >= n) {
            out.add(bytes, start(listStart, ends, from), ends[n - 1] - start(listStart, ends, from));
            return;
        }
        boolean before = skip > from;
        boolean after = skip < n - 1;
        if (before) {
            int s = start(listStart, ends, from);
            // With entries after the skipped one, keep the comma that followed the last one before it.
            int e = after ? start(listStart, ends, skip) : ends[skip - 1];
            out.add(bytes, s, e - s);
        }
        if (after) {
            int s = start(listStart, ends, skip + 1);
            out.add(bytes, s, ends[n - 1] - s);
        }
    }

    /** Where entry {@code i} starts: after the previous one's comma. */
    private static int start(int listStart, int[] ends, int i) {
        return i == 0 ? listStart : ends[i - 1] + 1;
    }
}

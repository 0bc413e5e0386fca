package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.FrameSlices;
import ca.metered.realtime.protocol.frame.PresenceDeltaFrame;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.hub.PresenceCoalescing.Frame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One window's presence deltas of one channel, in sequence order, and the frames they make for
 * a subscriber (docs/protocol.md 2.3). Most subscribers get the same frames, encoded once; a
 * subscriber whose own peerId is among the deltas, or a pending one whose snapshot already
 * reflects some of them, gets frames made for it.
 *
 * <p>When every peer has one delta in the batch (a join storm: the usual case in a large room),
 * coalescing changes nothing and such a subscriber's frame is the shared frame's entries from
 * its snapshot on, without its own: slices of the shared frame ({@link PresenceDeltaFrame#part}),
 * nothing encoded for it. A batch where some peer comes and goes is encoded per subscriber
 * ({@link PresenceCoalescing}).
 *
 * <p>Thread-safe: the shared frames are made once under the batch's lock.
 */
final class PresenceBatch {
    private final String channel;
    private final List<PresenceDelta> deltas;
    /** Guarded by {@code this}: made on first need. */
    private Shape shape;

    /**
     * The batch's frames for everyone, where each peer stands in it, and when every peer has a
     * single delta, the frame those frames are (to be sliced) and how many joins and leaves
     * come before each delta.
     */
    private record Shape(List<byte[]> shared, Map<String, Integer> index, PresenceDeltaFrame frame,
                         int[] joinsBefore) {
    }

    PresenceBatch(String channel, List<PresenceDelta> deltas) {
        this.channel = channel;
        this.deltas = List.copyOf(deltas);
    }

    /** Hands {@code to} the frames for a subscriber that has seen everything before this batch. */
    void deliver(Subscriber to) {
        deliverAfter(Long.MIN_VALUE, to);
    }

    /**
     * Hands {@code to} the frames for its view, given a snapshot that reflects deltas up to
     * {@code seenSeq}: nothing it has seen, nothing about itself.
     */
    void deliverAfter(long seenSeq, Subscriber to) {
        int from = PresenceCoalescing.firstAfter(deltas, seenSeq);
        if (from == deltas.size()) {
            return;
        }
        String self = to.peerId();
        if (deltas.size() == 1) { // the common case of a small room: no map, no slices
            if (!deltas.get(0).peerId().equals(self)) {
                shape().shared.forEach(to::deliver);
            }
            return;
        }
        Shape s = shape();
        Integer own = s.index.get(self);
        if (from == 0 && own == null) {
            s.shared.forEach(to::deliver);
            return;
        }
        if (s.frame != null) {
            int skip = own == null ? -1 : own;
            int joinsFrom = s.joinsBefore[from];
            int leavesFrom = from - joinsFrom;
            int joinedSkip = skip >= 0 && deltas.get(skip).joined() ? s.joinsBefore[skip] : -1;
            int leftSkip = skip >= 0 && !deltas.get(skip).joined() ? skip - s.joinsBefore[skip] : -1;
            FrameSlices part = s.frame.part(joinsFrom, joinedSkip, leavesFrom, leftSkip);
            if (part != null) {
                to.deliver(part);
            }
            return;
        }
        List<PresenceDelta> mine = new ArrayList<>(deltas.size() - from);
        for (int i = from; i < deltas.size(); i++) {
            if (!deltas.get(i).peerId().equals(self)) { // nobody is told about themselves
                mine.add(deltas.get(i));
            }
        }
        encode(mine).forEach(to::deliver);
    }

    private synchronized Shape shape() {
        if (shape == null) {
            shape = makeShape();
        }
        return shape;
    }

    private Shape makeShape() {
        if (deltas.size() == 1) {
            return new Shape(encode(deltas), Map.of(), null, null);
        }
        Map<String, Integer> index = new HashMap<>(deltas.size() * 2);
        boolean single = true;
        for (int i = 0; i < deltas.size(); i++) {
            single &= index.putIfAbsent(deltas.get(i).peerId(), i) == null;
        }
        if (!single) {
            return new Shape(encode(deltas), index, null, null);
        }
        // One delta per peer: the coalesced frame is the deltas themselves, joins then leaves.
        int[] joinsBefore = new int[deltas.size() + 1];
        List<PresenceEntry> joined = new ArrayList<>();
        List<PresenceEntry> left = new ArrayList<>();
        for (int i = 0; i < deltas.size(); i++) {
            PresenceDelta d = deltas.get(i);
            if (d.joined()) {
                joined.add(new PresenceEntry(d.peerId(), d.metadata()));
            } else {
                left.add(new PresenceEntry(d.peerId(), null));
            }
            joinsBefore[i + 1] = joined.size();
        }
        PresenceDeltaFrame frame = PresenceDeltaFrame.of(channel, joined, left);
        return new Shape(List.of(frame.bytes()), index, frame, joinsBefore);
    }

    private List<byte[]> encode(List<PresenceDelta> ds) {
        List<Frame> frames = PresenceCoalescing.frames(ds, 0);
        List<byte[]> out = new ArrayList<>(frames.size());
        for (Frame f : frames) {
            List<PresenceEntry> joined = new ArrayList<>(f.joined().size());
            f.joined().forEach(j -> joined.add(new PresenceEntry(j.peerId(), j.metadata())));
            List<PresenceEntry> left = new ArrayList<>(f.left().size());
            f.left().forEach(p -> left.add(new PresenceEntry(p, null)));
            out.add(FrameCodec.encode(new ServerFrame.Presence(channel, joined, left)));
        }
        return out;
    }
}

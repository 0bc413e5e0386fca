package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.hub.PresenceCoalescing.Frame;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One window's presence deltas of one channel, in sequence order, and the frames they make for
 * a subscriber (docs/protocol.md 2.3). Most subscribers get the same frames, encoded once; a
 * subscriber whose own peerId is among the deltas, or a pending one whose snapshot already
 * reflects some of them, gets frames made for it.
 *
 * <p>Thread-safe: the shared frames are made once under the batch's lock.
 */
final class PresenceBatch {
    private final String channel;
    private final List<PresenceDelta> deltas;
    private Set<String> peers;
    private List<byte[]> shared;

    PresenceBatch(String channel, List<PresenceDelta> deltas) {
        this.channel = channel;
        this.deltas = List.copyOf(deltas);
    }

    /** The frames for a subscriber of peer {@code self} that has seen everything before this batch. */
    List<byte[]> framesFor(String self) {
        return framesAfter(Long.MIN_VALUE, self);
    }

    /** The frames for a subscriber of peer {@code self} whose snapshot reflects deltas up to {@code seenSeq}. */
    List<byte[]> framesAfter(long seenSeq, String self) {
        int from = PresenceCoalescing.firstAfter(deltas, seenSeq);
        if (from == deltas.size()) {
            return List.of();
        }
        if (from == 0 && !mentions(self)) {
            return shared();
        }
        List<PresenceDelta> own = new ArrayList<>(deltas.size() - from);
        for (int i = from; i < deltas.size(); i++) {
            if (!deltas.get(i).peerId().equals(self)) { // nobody is told about themselves
                own.add(deltas.get(i));
            }
        }
        return encode(own);
    }

    private synchronized boolean mentions(String peerId) {
        if (deltas.size() == 1) {
            return deltas.get(0).peerId().equals(peerId);
        }
        if (peers == null) {
            peers = new HashSet<>();
            deltas.forEach(d -> peers.add(d.peerId()));
        }
        return peers.contains(peerId);
    }

    private synchronized List<byte[]> shared() {
        if (shared == null) {
            shared = encode(deltas);
        }
        return shared;
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

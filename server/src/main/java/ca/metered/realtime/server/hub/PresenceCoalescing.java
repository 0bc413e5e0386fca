package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.cluster.PresenceDelta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule for coalescing one channel's presence deltas into few {@code presence} frames
 * (docs/protocol.md 2.3, "Deltas may be coalesced"): what a subscriber who has seen the channel up to
 * some point must be sent for the deltas after it.
 *
 * <p>Per peer, only the net change counts, and the subscriber's view before the deltas is known
 * from the first one (a peer's deltas alternate: a {@code joined} means it was absent, a
 * {@code left} that it was present):
 * <ul>
 *   <li>joined … joined: one {@code joined}, with the last metadata;</li>
 *   <li>joined … left: nothing — the subscriber never saw it, and sees nothing change;</li>
 *   <li>left … left: one {@code left};</li>
 *   <li>left … joined: a {@code left}, and a {@code joined} in a later frame — the peer came
 *       back (possibly with other metadata) and the subscriber must see it go first.</li>
 * </ul>
 * So at most two frames come out: the first with every net {@code joined} and every
 * {@code left}, the second (only when some peer came back) with the comebacks' {@code joined}.
 * A peerId is never in both arrays of one frame, because the official MeteredPeer applies all
 * {@code joined} entries of a frame before all {@code left} entries. Entries keep the order in
 * which their peers first appear.
 *
 * <p>That a {@code joined} is never held back past a later message of the same peer is the
 * caller's part: it flushes a channel's pending deltas before delivering anything from a peer
 * among them.
 *
 * <p>Stateless; thread-safe.
 */
public final class PresenceCoalescing {
    private PresenceCoalescing() {
    }

    /** One frame's arrays: joiners (with metadata, may be {@code null}) and leavers. */
    public record Frame(List<Joiner> joined, List<String> left) {
        public boolean isEmpty() {
            return joined.isEmpty() && left.isEmpty();
        }
    }

    /** A peer in a frame's {@code joined} array. */
    public record Joiner(String peerId, RawJson metadata) {
    }

    /**
     * The frames for {@code deltas[from..]} (in sequence order), for a subscriber that has seen
     * everything before {@code from}. Empty when nothing changes for it; never an empty frame.
     */
    public static List<Frame> frames(List<PresenceDelta> deltas, int from) {
        Map<String, Net> byPeer = new LinkedHashMap<>();
        for (int i = from; i < deltas.size(); i++) {
            PresenceDelta d = deltas.get(i);
            Net n = byPeer.get(d.peerId());
            if (n == null) {
                byPeer.put(d.peerId(), new Net(d.joined(), d.joined(), d.metadata()));
            } else {
                n.lastJoined = d.joined();
                n.metadata = d.metadata();
            }
        }
        List<Joiner> joined = new ArrayList<>();
        List<String> left = new ArrayList<>();
        List<Joiner> comebacks = new ArrayList<>();
        byPeer.forEach((peer, n) -> {
            if (n.firstJoined) {
                if (n.lastJoined) {
                    joined.add(new Joiner(peer, n.metadata));
                }
            } else {
                left.add(peer);
                if (n.lastJoined) {
                    comebacks.add(new Joiner(peer, n.metadata));
                }
            }
        });
        List<Frame> out = new ArrayList<>(2);
        if (!joined.isEmpty() || !left.isEmpty()) {
            out.add(new Frame(joined, left));
        }
        if (!comebacks.isEmpty()) {
            out.add(new Frame(comebacks, List.of()));
        }
        return out;
    }

    /** The first delta of {@code deltas} a subscriber that has seen up to {@code seenSeq} lacks. */
    public static int firstAfter(List<PresenceDelta> deltas, long seenSeq) {
        int lo = 0;
        int hi = deltas.size();
        while (lo < hi) { // deltas are in ascending seq order
            int mid = (lo + hi) >>> 1;
            if (deltas.get(mid).seq() <= seenSeq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static final class Net {
        final boolean firstJoined;
        boolean lastJoined;
        RawJson metadata;

        Net(boolean firstJoined, boolean lastJoined, RawJson metadata) {
            this.firstJoined = firstJoined;
            this.lastJoined = lastJoined;
            this.metadata = metadata;
        }
    }
}

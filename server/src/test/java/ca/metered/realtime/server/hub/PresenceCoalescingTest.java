package ca.metered.realtime.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.hub.PresenceCoalescing.Frame;
import ca.metered.realtime.server.hub.PresenceCoalescing.Joiner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PresenceCoalescingTest {
    private static PresenceDelta j(long seq, String peer) {
        return new PresenceDelta(seq, true, peer, null);
    }

    private static PresenceDelta j(long seq, String peer, String metadata) {
        return new PresenceDelta(seq, true, peer, RawJson.of(metadata));
    }

    private static PresenceDelta l(long seq, String peer) {
        return new PresenceDelta(seq, false, peer, null);
    }

    @Test
    void joinsAndLeavesOfDifferentPeersShareOneFrame() {
        List<Frame> frames = PresenceCoalescing.frames(List.of(j(1, "a"), j(2, "b"), l(3, "c"), j(4, "d")), 0);
        assertThat(frames).containsExactly(new Frame(
                List.of(new Joiner("a", null), new Joiner("b", null), new Joiner("d", null)), List.of("c")));
    }

    @Test
    void aPeerThatCameAndWentUnseenIsNotMentioned() {
        assertThat(PresenceCoalescing.frames(List.of(j(1, "a"), l(2, "a")), 0)).isEmpty();
        assertThat(PresenceCoalescing.frames(List.of(j(1, "a"), l(2, "a"), j(3, "b")), 0))
                .containsExactly(new Frame(List.of(new Joiner("b", null)), List.of()));
    }

    @Test
    void aPeerThatWentAndCameBackLeavesInOneFrameAndJoinsInTheNextWithItsNewMetadata() {
        List<Frame> frames = PresenceCoalescing.frames(
                List.of(l(1, "a"), j(2, "b"), j(3, "a", "{\"v\":2}")), 0);
        assertThat(frames).containsExactly(
                new Frame(List.of(new Joiner("b", null)), List.of("a")),
                new Frame(List.of(new Joiner("a", RawJson.of("{\"v\":2}"))), List.of()));
    }

    @Test
    void repeatedChangesCollapseToTheNetOneWithTheLastMetadata() {
        assertThat(PresenceCoalescing.frames(List.of(j(1, "a", "1"), l(2, "a"), j(3, "a", "3")), 0))
                .containsExactly(new Frame(List.of(new Joiner("a", RawJson.of("3"))), List.of()));
        assertThat(PresenceCoalescing.frames(List.of(l(1, "a"), j(2, "a"), l(3, "a")), 0))
                .containsExactly(new Frame(List.of(), List.of("a")));
    }

    @Test
    void aSubscriberGetsOnlyWhatItsSnapshotDoesNotReflect() {
        List<PresenceDelta> deltas = List.of(j(5, "a"), j(7, "b"), l(9, "a"));
        assertThat(PresenceCoalescing.firstAfter(deltas, 4)).isZero();
        assertThat(PresenceCoalescing.firstAfter(deltas, 5)).isEqualTo(1);
        assertThat(PresenceCoalescing.firstAfter(deltas, 8)).isEqualTo(2);
        assertThat(PresenceCoalescing.firstAfter(deltas, 9)).isEqualTo(3);
        // Seen a's join in its snapshot: it must hear a leave; not seen it: it hears nothing of a.
        assertThat(PresenceCoalescing.frames(deltas, 1))
                .containsExactly(new Frame(List.of(new Joiner("b", null)), List.of("a")));
        assertThat(PresenceCoalescing.frames(deltas, 0))
                .containsExactly(new Frame(List.of(new Joiner("b", null)), List.of()));
    }

    /**
     * Join/leave storms over few peers (so every peer comes and goes many times), cut into
     * windows at random, seen by subscribers whose snapshots fall anywhere: applying the frames
     * the way the official MeteredPeer does (all joined, then all left) must give exactly the
     * true roster after every window, with no joined for a present peer, no left for an absent
     * one, and no peer in both arrays of one frame.
     */
    @Test
    void stormsEndWithTheExactRosterForEverySubscriber() {
        Random random = new Random(20261129);
        for (int round = 0; round < 2000; round++) {
            int peers = 1 + random.nextInt(6);
            int length = random.nextInt(40);
            List<PresenceDelta> all = new ArrayList<>();
            List<Set<String>> truthAfter = new ArrayList<>(); // truthAfter.get(i): roster after all[0..i)
            Map<String, String> metadataOf = new HashMap<>();
            List<Map<String, String>> metadataAfter = new ArrayList<>();
            Set<String> roster = new HashSet<>();
            truthAfter.add(Set.copyOf(roster));
            metadataAfter.add(new HashMap<>());
            long seq = random.nextInt(100);
            for (int i = 0; i < length; i++) {
                String p = "p" + random.nextInt(peers);
                seq += 1 + random.nextInt(3);
                if (roster.add(p)) {
                    String md = random.nextBoolean() ? null : "{\"n\":" + i + "}";
                    all.add(new PresenceDelta(seq, true, p, md == null ? null : RawJson.of(md)));
                    metadataOf.put(p, md);
                } else {
                    roster.remove(p);
                    all.add(new PresenceDelta(seq, false, p, null));
                }
                truthAfter.add(Set.copyOf(roster));
                metadataAfter.add(new HashMap<>(metadataOf));
            }
            // Windows: random cut points.
            List<Integer> cuts = new ArrayList<>();
            cuts.add(0);
            for (int i = 1; i < length; i++) {
                if (random.nextInt(4) == 0) {
                    cuts.add(i);
                }
            }
            cuts.add(length);
            // A subscriber whose snapshot reflects deltas [0, start).
            int start = length == 0 ? 0 : random.nextInt(length + 1);
            long seenSeq = start == 0 ? -1 : all.get(start - 1).seq();
            Map<String, String> view = new HashMap<>();
            for (String p : truthAfter.get(start)) {
                view.put(p, "?");
            }
            for (int w = 0; w + 1 < cuts.size(); w++) {
                List<PresenceDelta> window = all.subList(cuts.get(w), cuts.get(w + 1));
                int from = PresenceCoalescing.firstAfter(window, seenSeq);
                for (Frame f : PresenceCoalescing.frames(window, from)) {
                    assertThat(f.isEmpty()).isFalse();
                    Set<String> joinedIds = new HashSet<>();
                    for (Joiner jn : f.joined()) {
                        assertThat(joinedIds.add(jn.peerId())).isTrue();
                        assertThat(view).doesNotContainKey(jn.peerId());
                        view.put(jn.peerId(), jn.metadata() == null ? null : jn.metadata().json());
                    }
                    for (String lp : f.left()) {
                        assertThat(joinedIds).doesNotContain(lp);
                        assertThat(view).containsKey(lp);
                        view.remove(lp);
                    }
                }
                int end = cuts.get(w + 1);
                if (end > start) {
                    assertThat(view.keySet()).as("round %d, window %d", round, w)
                            .isEqualTo(truthAfter.get(end));
                    for (String p : view.keySet()) {
                        if (!"?".equals(view.get(p))) {
                            assertThat(view.get(p)).isEqualTo(metadataAfter.get(end).get(p));
                        }
                    }
                }
                if (end > 0) {
                    seenSeq = Math.max(seenSeq, all.get(end - 1).seq());
                }
            }
        }
    }
}

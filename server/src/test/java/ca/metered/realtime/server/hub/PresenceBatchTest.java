package ca.metered.realtime.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.hub.PresenceCoalescing.Frame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PresenceBatchTest {
    private static PresenceDelta j(long seq, String peer) {
        return new PresenceDelta(seq, true, peer, null);
    }

    private static PresenceDelta l(long seq, String peer) {
        return new PresenceDelta(seq, false, peer, null);
    }

    private final PresenceBatch batch = new PresenceBatch("room", List.of(j(5, "a"), j(6, "b"), l(7, "c")));

    private static RecordingSubscriber after(PresenceBatch batch, long seenSeq, String self) {
        RecordingSubscriber s = new RecordingSubscriber(self);
        batch.deliverAfter(seenSeq, s);
        return s;
    }

    /** What the coalescing rule makes for {@code deltas[from..]} without {@code self}'s, encoded one frame at a time. */
    private static List<String> reference(String channel, List<PresenceDelta> deltas, long seenSeq, String self) {
        List<PresenceDelta> mine = new ArrayList<>();
        for (PresenceDelta d : deltas) {
            if (d.seq() > seenSeq && !d.peerId().equals(self)) {
                mine.add(d);
            }
        }
        List<String> out = new ArrayList<>();
        for (Frame f : PresenceCoalescing.frames(mine, 0)) {
            List<PresenceEntry> joined = new ArrayList<>();
            f.joined().forEach(x -> joined.add(new PresenceEntry(x.peerId(), x.metadata())));
            List<PresenceEntry> left = new ArrayList<>();
            f.left().forEach(p -> left.add(new PresenceEntry(p, null)));
            out.add(new String(FrameCodec.encode(new ServerFrame.Presence(channel, joined, left)),
                    StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void everyoneWhoSawTheChannelBeforeGetsTheSameFramesEncodedOnce() {
        RecordingSubscriber x = new RecordingSubscriber("x");
        RecordingSubscriber y = new RecordingSubscriber("y");
        batch.deliver(x);
        batch.deliver(y);
        assertThat(x.texts()).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[{\"peerId\":\"a\"},{\"peerId\":\"b\"}],\"left\":[{\"peerId\":\"c\"}]}");
        assertThat(y.frames.get(0)).isSameAs(x.frames.get(0));
        assertThat(x.slices).isZero();
    }

    @Test
    void aPeerIsNeverToldAboutItself() {
        RecordingSubscriber b = new RecordingSubscriber("b");
        batch.deliver(b);
        assertThat(b.texts()).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[{\"peerId\":\"a\"}],\"left\":[{\"peerId\":\"c\"}]}");
        RecordingSubscriber a = new RecordingSubscriber("a");
        new PresenceBatch("room", List.of(j(1, "a"))).deliver(a);
        assertThat(a.frames).isEmpty();
    }

    @Test
    void aSnapshotThatReflectsPartOfTheBatchGetsOnlyTheRest() {
        assertThat(after(batch, 6, "x").texts()).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[],\"left\":[{\"peerId\":\"c\"}]}");
        assertThat(after(batch, 7, "x").frames).isEmpty();
        RecordingSubscriber x = new RecordingSubscriber("x");
        batch.deliver(x);
        assertThat(after(batch, 4, "x").frames.get(0)).isSameAs(x.frames.get(0));
    }

    @Test
    void joinersOfAJoinStormGetSlicesOfTheSharedFrameNotFramesOfTheirOwn() {
        List<PresenceDelta> storm = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            storm.add(new PresenceDelta(i, true, "peer-" + i, i % 7 == 0 ? RawJson.of("{\"n\":" + i + "}") : null));
        }
        PresenceBatch joins = new PresenceBatch("big", storm);
        for (int k = 1; k <= 300; k += 13) {
            // joiner k's snapshot reflects the deltas up to its own (seq k): it lacks the rest
            RecordingSubscriber joiner = after(joins, k, "peer-" + k);
            if (k == 300) {
                assertThat(joiner.frames).isEmpty();
                continue;
            }
            assertThat(joiner.slices).isEqualTo(1);
            assertThat(joiner.texts()).isEqualTo(reference("big", storm, k, "peer-" + k));
            // a joiner whose snapshot came before its own delta is still not told about itself
            RecordingSubscriber early = after(joins, k - 1, "peer-" + k);
            assertThat(early.slices).isEqualTo(1);
            assertThat(early.texts()).isEqualTo(reference("big", storm, k - 1, "peer-" + k));
        }
    }

    @Test
    void everySubscribersFramesAreTheCoalescingRulesFramesForRandomBatches() {
        Random random = new Random(15);
        for (int round = 0; round < 400; round++) {
            List<PresenceDelta> deltas = new ArrayList<>();
            int n = 1 + random.nextInt(10);
            // half the rounds give every peer one delta (sliced), the other half repeat peers (encoded)
            int peers = random.nextBoolean() ? 1_000 : 1 + random.nextInt(4);
            List<String> used = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String peer = peers == 1_000 ? "p" + i + (i % 3 == 0 ? "\"q" : "") : "p" + random.nextInt(peers);
                boolean present = used.contains(peer) && deltas.stream().filter(d -> d.peerId().equals(peer))
                        .reduce((a, b) -> b).orElseThrow().joined();
                boolean joined = used.contains(peer) ? !present : random.nextBoolean();
                RawJson metadata = joined && random.nextBoolean() ? RawJson.of("{\"r\":" + round + "}") : null;
                deltas.add(new PresenceDelta(100 + i, joined, peer, metadata));
                used.add(peer);
            }
            PresenceBatch b = new PresenceBatch("room/é", deltas);
            for (long seen = 99; seen <= 100 + n; seen++) {
                for (String self : List.of("other", deltas.get(random.nextInt(n)).peerId())) {
                    assertThat(after(b, seen, self).texts())
                            .as("round %d, seen %d, self %s, deltas %s", round, seen, self, deltas)
                            .isEqualTo(reference("room/é", deltas, seen, self));
                }
            }
        }
    }
}

package ca.metered.realtime.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.cluster.PresenceStore.Snapshot;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every {@link PresenceStore} must do; run against each implementation. */
abstract class PresenceStoreContract {
    final BackplaneFixture cluster = fixture(Clock.systemUTC());

    abstract BackplaneFixture fixture(Clock clock);

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void peerIsAnnouncedOnItsFirstConnectionAndLeavesWithItsLastOverAllNodes() {
        RecordingInbound in1 = new RecordingInbound();
        RecordingInbound in2 = new RecordingInbound();
        Backplane n1 = cluster.node("n1", in1);
        Backplane n2 = cluster.node("n2", in2);
        n1.broker().watchChannel("app", "room").toCompletableFuture().join();
        n2.broker().watchChannel("app", "room").toCompletableFuture().join();
        RawJson meta = RawJson.of("{\"n\":\"A\"}");
        Snapshot s1 = n1.presence().join("app", "room", "alice", meta).toCompletableFuture().join();
        assertThat(s1.members()).containsExactly(new PresenceEntry("alice", meta));
        n2.presence().join("app", "room", "alice", meta).toCompletableFuture().join();
        n1.presence().leave("app", "room", "alice").toCompletableFuture().join();
        n2.presence().leave("app", "room", "alice").toCompletableFuture().join();
        assertThat(in2.await(2)).containsExactly("joined room alice", "left room alice");
        assertThat(in1.await(2)).containsExactly("joined room alice", "left room alice");
        assertThat(in2.deltas.get(0).metadata()).isEqualTo(meta);
        assertThat(n2.presence().members("app", "room").toCompletableFuture().join()).isEmpty();
    }

    /**
     * A joiner's snapshot frame (shared encoded entries minus its own) is what the encoder writes
     * for the members without it, after leaves and a rejoin with other metadata; a second
     * connection keeps the first one's metadata.
     */
    @Test
    void aJoinersSnapshotFrameIsTheEncodedRosterWithoutItAfterLeavesAndRejoins() {
        Backplane n1 = cluster.node("n1", new RecordingInbound());
        Backplane n2 = cluster.node("n2", new RecordingInbound());
        RawJson b1 = RawJson.of("{\"v\":1}");
        RawJson b2 = RawJson.of("{\"v\":2,\"name\":\"Bé \\\"two\\\"\"}");
        RawJson c1 = RawJson.of("[\"c\"]");
        n1.presence().join("app", "room", "a", null).toCompletableFuture().join();
        n2.presence().join("app", "room", "b", b1).toCompletableFuture().join();
        n1.presence().join("app", "room", "c", c1).toCompletableFuture().join();
        n2.presence().join("app", "room", "c", RawJson.of("{\"ignored\":true}")).toCompletableFuture().join();
        n2.presence().join("app", "room", "d\"q", null).toCompletableFuture().join();
        n2.presence().leave("app", "room", "b").toCompletableFuture().join();
        n1.presence().leave("app", "room", "a").toCompletableFuture().join();
        n1.presence().join("app", "room", "b", b2).toCompletableFuture().join(); // back, other metadata
        Snapshot s = n2.presence().join("app", "room", "e", null).toCompletableFuture().join();

        assertThat(s.members()).containsExactlyInAnyOrder(new PresenceEntry("b", b2), new PresenceEntry("c", c1),
                new PresenceEntry("d\"q", null), new PresenceEntry("e", null));
        for (String self : List.of("e", "b", "c", "d\"q", "nobody")) {
            List<PresenceEntry> others = s.members().stream().filter(m -> !m.peerId().equals(self)).toList();
            assertThat(new String(s.roster().without(self).presenceFrame("room/1"), StandardCharsets.UTF_8))
                    .as("snapshot for %s", self)
                    .isEqualTo(FrameCodec.encodeToString(new ServerFrame.Presence("room/1", others, List.of())));
        }
        Snapshot later = n1.presence().snapshot("app", "room").toCompletableFuture().join();
        assertThat(later.members()).containsExactlyInAnyOrderElementsOf(s.members());
        assertThat(new String(later.roster().without("c").presenceFrame("room/1"), StandardCharsets.UTF_8))
                .isEqualTo(FrameCodec.encodeToString(new ServerFrame.Presence("room/1",
                        later.members().stream().filter(m -> !m.peerId().equals("c")).toList(), List.of())));
    }

    @Test
    void snapshotReflectsExactlyTheDeltasUpToItsSequenceNumber() {
        RecordingInbound in1 = new RecordingInbound();
        Backplane n1 = cluster.node("n1", in1);
        Backplane n2 = cluster.node("n2", new RecordingInbound());
        n1.broker().watchChannel("app", "room").toCompletableFuture().join();
        n2.presence().join("app", "room", "a", null).toCompletableFuture().join();
        Snapshot s = n1.presence().join("app", "room", "b", null).toCompletableFuture().join();
        n2.presence().join("app", "room", "c", null).toCompletableFuture().join();
        assertThat(s.members()).extracting(PresenceEntry::peerId).containsExactlyInAnyOrder("a", "b");
        in1.await(3);
        for (PresenceDelta d : in1.deltas) {
            boolean inSnapshot = d.seq() <= s.seq();
            assertThat(inSnapshot).as("delta %s vs snapshot %s", d, s.seq()).isEqualTo(!d.peerId().equals("c"));
        }
        assertThat(n1.presence().snapshot("app", "room").toCompletableFuture().join().members())
                .extracting(PresenceEntry::peerId).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void leaveOfAnUncountedConnectionChangesNothing() {
        RecordingInbound in1 = new RecordingInbound();
        Backplane n1 = cluster.node("n1", in1);
        n1.broker().watchChannel("app", "room").toCompletableFuture().join();
        n1.presence().join("app", "room", "a", null).toCompletableFuture().join();
        n1.presence().leave("app", "room", "a").toCompletableFuture().join();
        n1.presence().leave("app", "room", "a").toCompletableFuture().join();
        n1.presence().join("app", "room", "a", null).toCompletableFuture().join();
        assertThat(in1.await(3)).containsExactly("joined room a", "left room a", "joined room a");
        assertThat(n1.presence().members("app", "room").toCompletableFuture().join()).hasSize(1);
    }

    @Test
    void aChannelThatEmptiesAndFillsAgainNeverReusesASequenceNumber() {
        RecordingInbound in1 = new RecordingInbound();
        Backplane n1 = cluster.node("n1", in1);
        n1.broker().watchChannel("app", "room").toCompletableFuture().join();
        Snapshot first = n1.presence().join("app", "room", "a", null).toCompletableFuture().join();
        n1.presence().leave("app", "room", "a").toCompletableFuture().join(); // nobody left: its state may go
        Snapshot empty = n1.presence().snapshot("app", "room").toCompletableFuture().join();
        Snapshot again = n1.presence().join("app", "room", "b", null).toCompletableFuture().join();
        in1.await(3);
        assertThat(empty.members()).isEmpty();
        assertThat(in1.deltas).extracting(PresenceDelta::seq).isSorted().doesNotHaveDuplicates();
        // a pending subscription compares later deltas with its snapshot: the numbers only grow
        assertThat(first.seq()).isLessThan(in1.deltas.get(1).seq());
        assertThat(empty.seq()).isGreaterThanOrEqualTo(in1.deltas.get(1).seq()).isLessThan(again.seq());
        assertThat(again.members()).extracting(PresenceEntry::peerId).containsExactly("b");
    }
}

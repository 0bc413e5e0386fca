package ca.metered.realtime.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PresenceRosterTest {
    private static final String CHANNEL = "room/\"1\"é";

    /** What a snapshot of {@code members} without {@code self} is, written by the general encoder (Jackson). */
    private static String expected(List<PresenceEntry> members, String self) {
        List<PresenceEntry> others = new ArrayList<>();
        for (PresenceEntry e : members) {
            if (!e.peerId().equals(self)) {
                others.add(e);
            }
        }
        ServerFrame.Presence p = new ServerFrame.Presence(CHANNEL, others, List.of());
        byte[] general = FrameCodec.encodeGeneral(p);
        assertThat(FrameCodec.encode(p)).isEqualTo(general);
        return utf8(general);
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aSnapshotIsTheEncodersFrameWithTheJoinerLeftOut() {
        PresenceRoster roster = new PresenceRoster();
        roster.add("a", null);
        PresenceRoster.Member b = roster.add("b", RawJson.of("{\"name\":\"Bé\",\"n\":[1,2]}"));
        roster.add("c", null);
        PresenceMembers all = roster.members(b);

        assertThat(utf8(all.presenceFrame("room/1"))).isEqualTo(
                "{\"type\":\"presence\",\"channel\":\"room/1\",\"joined\":[{\"peerId\":\"a\"},"
                        + "{\"peerId\":\"b\",\"metadata\":{\"name\":\"Bé\",\"n\":[1,2]}},{\"peerId\":\"c\"}],\"left\":[]}");
        assertThat(utf8(all.without("b").presenceFrame("room/1"))).isEqualTo(
                "{\"type\":\"presence\",\"channel\":\"room/1\",\"joined\":[{\"peerId\":\"a\"},{\"peerId\":\"c\"}],\"left\":[]}");
        assertThat(utf8(all.without("a").presenceFrame("room/1"))).isEqualTo(
                "{\"type\":\"presence\",\"channel\":\"room/1\",\"joined\":[{\"peerId\":\"b\",\"metadata\":"
                        + "{\"name\":\"Bé\",\"n\":[1,2]}},{\"peerId\":\"c\"}],\"left\":[]}");
        assertThat(utf8(all.without("c").presenceFrame("room/1"))).isEqualTo(
                "{\"type\":\"presence\",\"channel\":\"room/1\",\"joined\":[{\"peerId\":\"a\"},{\"peerId\":\"b\","
                        + "\"metadata\":{\"name\":\"Bé\",\"n\":[1,2]}}],\"left\":[]}");
        assertThat(all.without("b").entries()).extracting(PresenceEntry::peerId).containsExactly("a", "c");
        assertThat(all.without("b").size()).isEqualTo(2);
        assertThat(all.without("nobody")).isSameAs(all);
        assertThat(all.without("b").without("b").entries()).hasSize(2);
        assertThatThrownBy(() -> all.without("b").without("a")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void emptyAndAlone() {
        PresenceRoster roster = new PresenceRoster();
        assertThat(utf8(roster.members().presenceFrame(CHANNEL))).isEqualTo(expected(List.of(), null));
        assertThat(utf8(PresenceMembers.NONE.presenceFrame(CHANNEL))).isEqualTo(expected(List.of(), null));
        PresenceRoster.Member me = roster.add("me", null);
        assertThat(utf8(roster.members(me).without("me").presenceFrame(CHANNEL))).isEqualTo(
                expected(List.of(new PresenceEntry("me", null)), "me"));
        roster.remove(me);
        roster.remove(me); // twice: nothing more
        assertThat(roster.size()).isZero();
        assertThat(roster.members().entries()).isEmpty();
        assertThat(utf8(roster.members().presenceFrame(CHANNEL))).isEqualTo(expected(List.of(), null));
    }

    /**
     * Joins, leaves and rejoins (with new metadata) in any order, peerIds that need escaping:
     * every snapshot, without any member, is what the encoder writes for the same list; and a
     * snapshot taken earlier still says what it said then, whatever the roster did since.
     */
    @Test
    void snapshotsMatchTheEncoderThroughJoinsLeavesAndRejoins() {
        Random random = new Random(1313);
        String[] ids = {"a", "b", "c", "d\"q", "e\\", "f\u0001", "gé", "h😀", "i", "j", "k", "l"};
        PresenceRoster roster = new PresenceRoster();
        Map<String, PresenceRoster.Member> handles = new LinkedHashMap<>();
        Map<String, PresenceEntry> model = new LinkedHashMap<>(); // insertion order = join order
        List<PresenceMembers> kept = new ArrayList<>();
        List<String> keptFrames = new ArrayList<>();
        for (int step = 0; step < 4000; step++) {
            String id = ids[random.nextInt(ids.length)];
            if (model.containsKey(id)) {
                roster.remove(handles.remove(id));
                model.remove(id);
            } else {
                RawJson meta = random.nextInt(3) == 0 ? null : RawJson.of("{\"v\":" + step + ",\"s\":\"é\\\"\"}");
                handles.put(id, roster.add(id, meta));
                model.put(id, new PresenceEntry(id, meta));
            }
            assertThat(roster.size()).isEqualTo(model.size());
            if (random.nextInt(4) == 0) {
                continue; // leave some changes to pile up before the next snapshot
            }
            List<PresenceEntry> now = new ArrayList<>(model.values());
            PresenceRoster.Member self = handles.get(id); // the joiner, or null after a leave
            PresenceMembers members = roster.members(self);
            assertThat(members.entries()).containsExactlyElementsOf(now);
            assertThat(utf8(members.presenceFrame(CHANNEL))).isEqualTo(expected(now, null));
            String other = ids[random.nextInt(ids.length)];
            assertThat(utf8(members.without(id).presenceFrame(CHANNEL))).isEqualTo(expected(now, id));
            assertThat(utf8(members.without(other).presenceFrame(CHANNEL))).isEqualTo(expected(now, other));
            assertThat(members.without(other).entries()).extracting(PresenceEntry::peerId).doesNotContain(other);
            if (step % 97 == 0) {
                kept.add(members.without(id));
                keptFrames.add(expected(now, id));
            }
        }
        for (int i = 0; i < kept.size(); i++) {
            assertThat(utf8(kept.get(i).presenceFrame(CHANNEL))).as("snapshot %d", i).isEqualTo(keptFrames.get(i));
        }
    }

    /** A large room that only grows, then empties: the shared arrays are never rewritten under a snapshot. */
    @Test
    void aGrowingRoomKeepsEverySnapshotIntact() {
        PresenceRoster roster = new PresenceRoster();
        List<PresenceEntry> model = new ArrayList<>();
        List<PresenceRoster.Member> handles = new ArrayList<>();
        PresenceMembers at100 = null;
        for (int i = 0; i < 3000; i++) {
            String id = "peer-" + i;
            handles.add(roster.add(id, null));
            model.add(new PresenceEntry(id, null));
            PresenceMembers m = roster.members(handles.get(i)).without(id);
            assertThat(m.size()).isEqualTo(i);
            if (i == 100) {
                at100 = m;
            }
        }
        assertThat(utf8(roster.members().without("peer-2999").presenceFrame(CHANNEL)))
                .isEqualTo(expected(model, "peer-2999"));
        String before = expected(model.subList(0, 101), "peer-100");
        for (int i = 0; i < 2990; i++) { // most leave: the arrays shrink, the old snapshot stays
            roster.remove(handles.get(i));
        }
        assertThat(roster.members().entries()).extracting(PresenceEntry::peerId)
                .containsExactly("peer-2990", "peer-2991", "peer-2992", "peer-2993", "peer-2994", "peer-2995",
                        "peer-2996", "peer-2997", "peer-2998", "peer-2999");
        assertThat(roster.encodedBytes()).isEqualTo(10 * "{\"peerId\":\"peer-2990\"},".length());
        assertThat(utf8(at100.presenceFrame(CHANNEL))).isEqualTo(before);
    }

    @Test
    void madeFromAListItIsTheSameFrame() {
        List<PresenceEntry> list = List.of(new PresenceEntry("x", RawJson.of("[1]")), new PresenceEntry("y", null));
        PresenceMembers m = PresenceMembers.of(list);
        assertThat(m.entries()).containsExactlyElementsOf(list);
        assertThat(utf8(m.presenceFrame(CHANNEL))).isEqualTo(expected(list, null));
        assertThat(utf8(m.without("y").presenceFrame(CHANNEL))).isEqualTo(expected(list, "y"));
    }

    /** The arrays {@code frame}'s slices read, in order. */
    private static List<byte[]> arraysOf(FrameSlices frame) {
        List<byte[]> arrays = new ArrayList<>();
        frame.writeTo((a, off, len) -> {
            assertThat(len).isPositive();
            arrays.add(a);
        });
        return arrays;
    }

    @Test
    void joinersSnapshotsAreSlicesOfTheSharedEntriesNotCopies() {
        PresenceRoster roster = new PresenceRoster();
        List<PresenceRoster.Member> members = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            members.add(roster.add("peer-" + i, i % 7 == 0 ? RawJson.of("{\"i\":" + i + "}") : null));
        }
        PresenceMembers first = roster.members(members.get(0)).without("peer-0");
        PresenceMembers middle = roster.members(members.get(500)).without("peer-500");
        PresenceMembers last = roster.members(members.get(999)).without("peer-999");
        List<byte[]> a = arraysOf(first.presenceSlices(CHANNEL));
        List<byte[]> b = arraysOf(middle.presenceSlices(CHANNEL));
        List<byte[]> c = arraysOf(last.presenceSlices(CHANNEL));
        // head, entries after the joiner, end / head, before, after, end / head, before, end
        assertThat(a).hasSize(3);
        assertThat(b).hasSize(4);
        assertThat(c).hasSize(3);
        assertThat(a.get(1)).isSameAs(b.get(1)).isSameAs(b.get(2)).isSameAs(c.get(1));
        for (PresenceMembers m : List.of(first, middle, last)) {
            FrameSlices slices = m.presenceSlices(CHANNEL);
            assertThat(slices.length()).isEqualTo(slices.toBytes().length);
            assertThat(utf8(slices.toBytes())).isEqualTo(expected(m.entries(), null));
        }
    }
}

package ca.metered.realtime.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PresenceDeltaFrameTest {
    private static final String CHANNEL = "room/\"1\"é";

    /** The frame of the entries {@code from..} of each list without the skipped ones, by the general encoder (Jackson). */
    private static byte[] expected(List<PresenceEntry> joined, int joinedFrom, int joinedSkip,
                                   List<PresenceEntry> left, int leftFrom, int leftSkip) {
        ServerFrame.Presence p = new ServerFrame.Presence(CHANNEL, tail(joined, joinedFrom, joinedSkip),
                tail(left, leftFrom, leftSkip));
        byte[] general = FrameCodec.encodeGeneral(p);
        assertThat(FrameCodec.encode(p)).isEqualTo(general);
        return general;
    }

    private static List<PresenceEntry> tail(List<PresenceEntry> list, int from, int skip) {
        List<PresenceEntry> out = new ArrayList<>();
        for (int i = from; i < list.size(); i++) {
            if (i != skip) {
                out.add(list.get(i));
            }
        }
        return out;
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static PresenceEntry e(String peerId) {
        return new PresenceEntry(peerId, null);
    }

    @Test
    void theWholeFrameIsTheEncodersFrame() {
        List<PresenceEntry> joined = List.of(e("a"), new PresenceEntry("b", RawJson.of("{\"n\":[1,2]}")));
        List<PresenceEntry> left = List.of(e("c"));
        PresenceDeltaFrame frame = PresenceDeltaFrame.of(CHANNEL, joined, left);
        assertThat(frame.bytes()).isEqualTo(expected(joined, 0, -1, left, 0, -1));
        assertThat(utf8(frame.part(0, -1, 0, -1).toBytes())).isEqualTo(utf8(frame.bytes()));
    }

    @Test
    void aPartIsATailOfEachArrayWithOneEntryLeftOutInTheSameOrder() {
        List<PresenceEntry> joined = List.of(e("a"), e("b"), e("c"), e("d"));
        List<PresenceEntry> left = List.of(e("x"), e("y"));
        PresenceDeltaFrame frame = PresenceDeltaFrame.of(CHANNEL, joined, left);
        assertThat(utf8(frame.part(1, 2, 0, -1).toBytes())).isEqualTo(
                "{\"type\":\"presence\",\"channel\":\"room/\\\"1\\\"é\",\"joined\":[{\"peerId\":\"b\"},{\"peerId\":\"d\"}],"
                        + "\"left\":[{\"peerId\":\"x\"},{\"peerId\":\"y\"}]}");
        assertThat(utf8(frame.part(4, -1, 1, -1).toBytes())).isEqualTo(
                "{\"type\":\"presence\",\"channel\":\"room/\\\"1\\\"é\",\"joined\":[],\"left\":[{\"peerId\":\"y\"}]}");
        assertThat(utf8(frame.part(3, 3, 0, 0).toBytes())).isEqualTo(
                "{\"type\":\"presence\",\"channel\":\"room/\\\"1\\\"é\",\"joined\":[],\"left\":[{\"peerId\":\"y\"}]}");
    }

    @Test
    void aPartWithNoEntryLeftIsNull() {
        PresenceDeltaFrame frame = PresenceDeltaFrame.of(CHANNEL, List.of(e("a"), e("b")), List.of(e("c")));
        assertThat(frame.part(1, 1, 1, -1)).isNull();
        assertThat(frame.part(2, -1, 0, 0)).isNull();
        assertThat(frame.part(0, 0, 1, -1)).isNotNull();
        assertThat(PresenceDeltaFrame.of(CHANNEL, List.of(), List.of()).part(0, -1, 0, -1)).isNull();
    }

    @Test
    void aPartReadsTheSharedFrameWithoutEncodingAnEntry() {
        List<PresenceEntry> joined = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            joined.add(e("peer-" + i));
        }
        PresenceDeltaFrame frame = PresenceDeltaFrame.of(CHANNEL, joined, List.of());
        List<byte[]> arrays = new ArrayList<>();
        frame.part(17, 99, 0, -1).writeTo((array, offset, length) -> arrays.add(array));
        // head, the entries before and after the one left out (both read from the shared frame), the ends
        assertThat(arrays.stream().filter(a -> a == frame.bytes())).hasSize(3);
        assertThat(arrays.stream().filter(a -> a != frame.bytes()).mapToInt(a -> a.length).sum())
                .isEqualTo("],\"left\":[".length() + "]}".length());
    }

    @Test
    void everyPartOfRandomFramesIsTheEncodersFrameForTheSameEntries() {
        Random random = new Random(13);
        String[] odd = {"a\"b", "back\\slash", "tab\tid", "é-ü", "😀", "x"};
        for (int round = 0; round < 300; round++) {
            List<PresenceEntry> joined = new ArrayList<>();
            List<PresenceEntry> left = new ArrayList<>();
            int n = random.nextInt(8);
            for (int i = 0; i < n; i++) {
                String id = random.nextInt(5) == 0 ? odd[random.nextInt(odd.length)] + i : "p" + round + "-" + i;
                if (random.nextBoolean()) {
                    RawJson metadata = random.nextInt(3) == 0 ? RawJson.of("{\"i\":" + i + ",\"s\":\"é\"}") : null;
                    joined.add(new PresenceEntry(id, metadata));
                } else {
                    left.add(e(id));
                }
            }
            PresenceDeltaFrame frame = PresenceDeltaFrame.of(CHANNEL, joined, left);
            for (int jf = 0; jf <= joined.size() + 1; jf++) {
                for (int js = -1; js <= joined.size(); js++) {
                    int lf = random.nextInt(left.size() + 2);
                    int ls = random.nextInt(left.size() + 2) - 1;
                    byte[] want = expected(joined, jf, js, left, lf, ls);
                    FrameSlices part = frame.part(jf, js, lf, ls);
                    boolean empty = tail(joined, jf, js).isEmpty() && tail(left, lf, ls).isEmpty();
                    if (empty) {
                        assertThat(part).isNull();
                    } else {
                        assertThat(utf8(part.toBytes())).isEqualTo(utf8(want));
                        assertThat(part.length()).isEqualTo(want.length);
                    }
                }
            }
        }
    }
}

package ca.metered.realtime.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PeerDirectoryTest {
    /** {@code id}'s bytes inside a larger frame-like array, as the presence scan looks them up. */
    private static int lookupInFrame(PeerDirectory d, String id) {
        byte[] frame = ("{\"peerId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
        return d.lookup(frame, 11, id.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void everyRegisteredIdIsFoundExactlyAndOthersAreNot() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        ids.add("");
        ids.add("a");
        ids.add("é-peer");
        ids.add("x".repeat(PeerDirectory.INLINE));
        ids.add("y".repeat(PeerDirectory.INLINE + 1)); // longer than a slot holds
        ids.add("z".repeat(200));
        PeerDirectory d = new PeerDirectory(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            assertThat(d.register(ids.get(i), i)).isTrue();
        }
        for (int i = 0; i < ids.size(); i++) {
            assertThat(lookupInFrame(d, ids.get(i))).as(ids.get(i)).isEqualTo(i);
            assertThat(d.lookup(ids.get(i))).isEqualTo(i);
            assertThat(d.register(ids.get(i), -5)).as("registered twice").isFalse();
        }
        for (String id : ids) {
            String near = id.isEmpty() ? "?" : id.substring(0, id.length() - 1) + (char) (id.charAt(id.length() - 1) ^ 1);
            assertThat(lookupInFrame(d, near)).as(near).isEqualTo(-1);
            assertThat(lookupInFrame(d, id + "0")).isEqualTo(-1);
        }
        assertThat(d.lookup("y".repeat(PeerDirectory.INLINE + 2))).isEqualTo(-1);
    }

    @Test
    void aFullTableOfCollidingSlotsStillAnswersExactly() {
        // capacity 4 holds up to its table size (16 slots): probing wraps around
        PeerDirectory d = new PeerDirectory(4);
        for (int i = 0; i < 15; i++) {
            assertThat(d.register("p" + i, i)).isTrue();
        }
        for (int i = 0; i < 15; i++) {
            assertThat(d.lookup("p" + i)).isEqualTo(i);
        }
        assertThat(d.lookup("p15")).isEqualTo(-1);
    }

    @Test
    void aPredictionIsTheMemberThatFollowedLastTimeOnlyWhenItsIdIsExactlyThere() {
        PeerDirectory d = new PeerDirectory(8);
        d.register("ab", 0);
        d.register("abc", 1);
        d.register("x\\y", 2); // escaped in JSON: never predicted
        d.register("zz", 3);
        byte[] frame = "\"abc\"},\"ab\"},\"x\\\\y\"},\"zz\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(d.predict(3, frame, 1, frame.length)).as("nothing learnt yet").isEqualTo(-1);
        d.followed(3, 0); // "ab" came after "zz" last time, but here "abc" does
        assertThat(d.predict(3, frame, 1, frame.length)).as("a prefix is not the id").isEqualTo(-1);
        d.followed(3, 1);
        assertThat(d.predict(3, frame, 1, frame.length)).isEqualTo(1);
        assertThat(d.idLength(1)).isEqualTo(3);
        d.followed(1, 0);
        assertThat(d.predict(1, frame, 8, frame.length)).isEqualTo(0);
        d.followed(0, 2);
        assertThat(d.predict(0, frame, 14, frame.length)).as("ids JSON escapes are looked up").isEqualTo(-1);
        d.followed(2, 3);
        assertThat(d.predict(2, frame, 22, frame.length)).isEqualTo(3);
        assertThat(d.predict(2, frame, 22, 24)).as("cut before the closing quote").isEqualTo(-1);
        assertThat(d.predict(-1, frame, 1, frame.length)).isEqualTo(-1);
    }

    @Test
    void predictionOfLongIdsComparesEveryByte() {
        // UUIDs (36 bytes, what the server hands out) and 8/9/48-byte ids: ByteRuns' word-wise compare.
        List<String> ids = List.of(new UUID(1, 2).toString(), "abcdefgh", "abcdefghi", "q".repeat(48));
        PeerDirectory d = new PeerDirectory(ids.size() + 1);
        d.register("start", ids.size());
        for (int m = 0; m < ids.size(); m++) {
            d.register(ids.get(m), m);
            d.followed(ids.size(), m);
            String id = ids.get(m);
            byte[] frame = ("\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
            assertThat(d.predict(ids.size(), frame, 1, frame.length)).as(id).isEqualTo(m);
            assertThat(d.idLength(m)).isEqualTo(id.length());
            for (int at = 0; at < id.length(); at++) {
                byte[] other = frame.clone();
                other[1 + at] ^= 0x02;
                assertThat(d.predict(ids.size(), other, 1, other.length)).as("%s, byte %d differs", id, at)
                        .isEqualTo(-1);
            }
        }
    }
}

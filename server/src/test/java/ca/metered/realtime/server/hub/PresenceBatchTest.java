package ca.metered.realtime.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.cluster.PresenceDelta;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PresenceBatchTest {
    private static PresenceDelta j(long seq, String peer) {
        return new PresenceDelta(seq, true, peer, null);
    }

    private static PresenceDelta l(long seq, String peer) {
        return new PresenceDelta(seq, false, peer, null);
    }

    private static List<String> text(List<byte[]> frames) {
        return frames.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    private final PresenceBatch batch = new PresenceBatch("room", List.of(j(5, "a"), j(6, "b"), l(7, "c")));

    @Test
    void everyoneWhoSawTheChannelBeforeGetsTheSameFramesEncodedOnce() {
        List<byte[]> forX = batch.framesFor("x");
        assertThat(text(forX)).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[{\"peerId\":\"a\"},{\"peerId\":\"b\"}],\"left\":[{\"peerId\":\"c\"}]}");
        assertThat(batch.framesFor("y")).isSameAs(forX);
    }

    @Test
    void aPeerIsNeverToldAboutItself() {
        assertThat(text(batch.framesFor("b"))).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[{\"peerId\":\"a\"}],\"left\":[{\"peerId\":\"c\"}]}");
        assertThat(new PresenceBatch("room", List.of(j(1, "a"))).framesFor("a")).isEmpty();
    }

    @Test
    void aSnapshotThatReflectsPartOfTheBatchGetsOnlyTheRest() {
        assertThat(text(batch.framesAfter(6, "x"))).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[],\"left\":[{\"peerId\":\"c\"}]}");
        assertThat(batch.framesAfter(7, "x")).isEmpty();
        assertThat(batch.framesAfter(4, "x")).isSameAs(batch.framesFor("x"));
    }
}

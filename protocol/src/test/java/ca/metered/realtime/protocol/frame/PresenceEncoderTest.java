package ca.metered.realtime.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PresenceEncoderTest {
    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void writesWhatTheGeneralEncoderWrites() {
        ServerFrame.Presence p = new ServerFrame.Presence("room/1", List.of(
                new PresenceEntry("a", null), new PresenceEntry("b", RawJson.of("{\"name\":\"Bé\",\"n\":[1,2]}"))),
                List.of(new PresenceEntry("c", null)));
        assertThat(utf8(FrameCodec.encode(p))).isEqualTo(
                "{\"type\":\"presence\",\"channel\":\"room/1\",\"joined\":[{\"peerId\":\"a\"},"
                        + "{\"peerId\":\"b\",\"metadata\":{\"name\":\"Bé\",\"n\":[1,2]}}],\"left\":[{\"peerId\":\"c\"}]}");
        assertThat(FrameCodec.encode(p)).isEqualTo(FrameCodec.encodeGeneral(p));
        ServerFrame.Presence empty = new ServerFrame.Presence("x", List.of(), List.of());
        assertThat(FrameCodec.encode(empty)).isEqualTo(FrameCodec.encodeGeneral(empty));
    }

    /** Channels and peerIds with every kind of character a JSON string may need escaped. */
    @Test
    void escapingMatchesJacksonForAnyCharacters() {
        Random random = new Random(13);
        String alphabet = "aZ09-_/.\"\\ \t\n\u0001\u001f\u007f\u0080é€😀~{}[],:";
        for (int round = 0; round < 3000; round++) {
            List<PresenceEntry> joined = new ArrayList<>();
            List<PresenceEntry> left = new ArrayList<>();
            int n = random.nextInt(5);
            for (int i = 0; i < n; i++) {
                PresenceEntry e = new PresenceEntry(randomString(random, alphabet),
                        random.nextInt(3) == 0 ? RawJson.of("{\"k\":\"" + random.nextInt(100) + "é\"}") : null);
                (random.nextBoolean() ? joined : left).add(e);
            }
            ServerFrame.Presence p = new ServerFrame.Presence(randomString(random, alphabet), joined, left);
            assertThat(utf8(FrameCodec.encode(p))).isEqualTo(utf8(FrameCodec.encodeGeneral(p)));
        }
    }

    private static String randomString(Random random, String alphabet) {
        StringBuilder b = new StringBuilder();
        int len = 1 + random.nextInt(12);
        int[] cps = alphabet.codePoints().toArray();
        for (int i = 0; i < len; i++) {
            b.appendCodePoint(cps[random.nextInt(cps.length)]);
        }
        return b.toString();
    }
}

package ca.metered.realtime.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Large raw values spliced beside the generator give the very bytes the generator writes. */
class RawSplicesTest {
    private static final int NEVER = Integer.MAX_VALUE;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aLargeMessageIsTheSameBytesEitherWay() throws Exception {
        String data = "{\"sdp\":\"" + "v=0\\r\\n".repeat(2000) + "é€😀\",\"n\":[1,2,{\"x\":null}]}";
        ServerFrame.Message m = new ServerFrame.Message("room/1", "peer-1", RawJson.of(data),
                RawJson.of("{\"name\":\"Bé\"}"));

        byte[] spliced = FrameCodec.encode(m);

        assertThat(spliced).isEqualTo(FrameCodec.encodeGeneral(m, NEVER));
        JsonNode parsed = MAPPER.readTree(spliced);
        assertThat(parsed.get("type").asText()).isEqualTo("message");
        assertThat(parsed.get("data")).isEqualTo(MAPPER.readTree(data));
        assertThat(parsed.get("fromMetadata").get("name").asText()).isEqualTo("Bé");
        assertThat(new String(spliced, StandardCharsets.UTF_8)).contains("\"data\":" + data + ",\"fromMetadata\":");
    }

    /** Every frame kind with raw values, values around the threshold, several spliced in one frame. */
    @Test
    void everyFrameWithRawValuesIsTheSameBytesEitherWay() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            ServerFrame frame = randomFrame(random);
            byte[] generator = FrameCodec.encodeGeneral(frame, NEVER);
            assertThat(FrameCodec.encodeGeneral(frame, 0)).as("every value spliced: %s", frame).isEqualTo(generator);
            assertThat(FrameCodec.encodeGeneral(frame, 1 + random.nextInt(64)))
                    .as("some values spliced: %s", frame).isEqualTo(generator);
            assertThat(FrameCodec.encodeGeneral(frame)).as("the default threshold: %s", frame).isEqualTo(generator);
        }
    }

    private static ServerFrame randomFrame(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> message(random);
            case 1 -> new ServerFrame.Direct("peer-" + random.nextInt(9), value(random), maybe(random));
            case 2 -> new ServerFrame.Welcome("peer-1", 1_700_000_000_000L, null, 65_536, maybe(random));
            case 3 -> {
                List<PresenceEntry> joined = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    joined.add(new PresenceEntry("p" + i, maybe(random)));
                }
                yield new ServerFrame.Presence("room/2", joined, List.of(new PresenceEntry("gone", maybe(random))));
            }
            default -> {
                List<ServerFrame.Message> history = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    history.add(message(random));
                }
                yield new ServerFrame.Ack("r" + random.nextInt(100), null, null, history, null);
            }
        };
    }

    private static ServerFrame.Message message(Random random) {
        return new ServerFrame.Message("chat/" + random.nextInt(3), "peer-" + random.nextInt(9), value(random),
                maybe(random));
    }

    private static RawJson maybe(Random random) {
        return random.nextInt(3) == 0 ? null : value(random);
    }

    /** A JSON value from a few chars to 2,000, ASCII or not. */
    private static RawJson value(Random random) {
        String alphabet = "ab \\\"é€😀{}";
        int len = random.nextInt(4) == 0 ? 400 + random.nextInt(1600) : random.nextInt(40);
        StringBuilder b = new StringBuilder("{\"s\":\"");
        int[] cps = alphabet.codePoints().toArray();
        for (int i = 0; i < len; i++) {
            int cp = cps[random.nextInt(cps.length)];
            if (cp == '\\' || cp == '"') {
                b.append('\\');
            }
            b.appendCodePoint(cp);
        }
        return RawJson.of(b.append("\",\"n\":").append(random.nextInt()).append('}').toString());
    }
}

package ca.metered.realtime.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void decodesEveryCommand() {
        assertThat(ok("{\"type\":\"subscribe\",\"channel\":\"room-1\",\"requestId\":\"r1\",\"includeSenderMetadata\":true}"))
                .isEqualTo(new ClientFrame.Subscribe("room-1", "r1", true));
        assertThat(ok("{\"type\":\"subscribe\",\"channel\":\"room-1\"}"))
                .isEqualTo(new ClientFrame.Subscribe("room-1", null, false));
        assertThat(ok("{\"type\":\"unsubscribe\",\"channel\":\"a\",\"requestId\":\"x\"}"))
                .isEqualTo(new ClientFrame.Unsubscribe("a", "x"));
        assertThat(ok("{\"type\":\"publish\",\"channel\":\"a\",\"data\":{\"b\":1,\"a\":[1,2.50,\"x\"]}}"))
                .isEqualTo(new ClientFrame.Publish("a", RawJson.of("{\"b\":1,\"a\":[1,2.50,\"x\"]}"), null));
        assertThat(ok("{\"type\":\"send\",\"to\":\"bob\",\"data\":\"hi\",\"requestId\":\"q\"}"))
                .isEqualTo(new ClientFrame.Send("bob", RawJson.of("\"hi\""), "q"));
        assertThat(ok("{\"type\":\"ping\"}")).isEqualTo(new ClientFrame.Ping());
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "true", "false", "0", "-1.5e10", "\"s\\\"q\"", "[]", "{}", "[{\"a\":[{}]}]",
            "12345678901234567890123456789", "\"\\u00e9\u00e9\""})
    void keepsDataTextExactlyAsSent(String data) {
        ClientFrame f = ok("{ \"type\" : \"publish\", \"data\" :  " + data + " , \"channel\":\"c\"}");
        assertThat(((ClientFrame.Publish) f).data().json()).isEqualTo(data);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json|malformed_message|",
            "[1,2]|malformed_message|",
            "\"x\"|malformed_message|",
            "{\"type\":\"ping\"} x|malformed_message|",
            "{\"channel\":\"a\",\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":5,\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"ping\",\"requestId\":\"\"}|malformed_message|",
            "{\"type\":\"ping\",\"requestId\":7}|malformed_message|",
            "{\"type\":\"nope\",\"requestId\":\"r\"}|unknown_type|r",
            "{\"type\":\"subscribe\",\"requestId\":\"r\"}|invalid_channel|r",
            "{\"type\":\"subscribe\",\"channel\":\"\",\"requestId\":\"r\"}|invalid_channel|r",
            "{\"type\":\"subscribe\",\"channel\":42,\"requestId\":\"r\"}|invalid_channel|r",
            "{\"type\":\"subscribe\",\"channel\":\"a\\u0001\",\"requestId\":\"r\"}|invalid_channel|r",
            "{\"type\":\"subscribe\",\"channel\":\"a\",\"includeSenderMetadata\":\"yes\",\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"publish\",\"channel\":\"a\",\"requestId\":\"r\"}|missing_data|r",
            "{\"type\":\"send\",\"data\":1,\"requestId\":\"r\"}|invalid_peer_id|r",
            "{\"type\":\"send\",\"to\":\"\",\"data\":1,\"requestId\":\"r\"}|invalid_peer_id|r",
            "{\"type\":\"send\",\"to\":\"bob\",\"requestId\":\"r\"}|missing_data|r",
    })
    void answersBadInputWithTheDocumentedCode(String text, String code, String requestId) {
        DecodeResult r = FrameCodec.decodeClient(text);
        assertThat(r).isInstanceOf(DecodeResult.Invalid.class);
        DecodeResult.Invalid inv = (DecodeResult.Invalid) r;
        assertThat(inv.code().wireName()).isEqualTo(code);
        assertThat(inv.requestId()).isEqualTo(requestId);
        assertThat(inv.message()).isNotBlank();
    }

    @Test
    void rejectsOverlongChannelAndRequestId() {
        String longChannel = "é".repeat(129); // 258 bytes
        assertThat(code("{\"type\":\"subscribe\",\"channel\":\"" + longChannel + "\"}")).isEqualTo(ErrorCode.INVALID_CHANNEL);
        assertThat(code("{\"type\":\"ping\",\"requestId\":\"" + "r".repeat(129) + "\"}"))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(ok("{\"type\":\"subscribe\",\"channel\":\"" + "é".repeat(128) + "\"}")).isNotNull();
    }

    @Test
    void deepNestingIsMalformedNotAStackOverflow() {
        String deep = "[".repeat(100_000);
        assertThat(code("{\"type\":\"publish\",\"channel\":\"a\",\"data\":" + deep + "}"))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
    }

    @Test
    void encodesEveryServerFrame() throws Exception {
        RawJson meta = RawJson.of("{\"name\":\"Ann\"}");
        assertJson(new ServerFrame.Welcome("p1", 1700000000L, null, 65536, null),
                "{\"type\":\"welcome\",\"peerId\":\"p1\",\"serverTime\":1700000000,\"expiresAt\":null,\"maxMessageSize\":65536}");
        assertJson(new ServerFrame.Welcome("p1", 1, 2L, 3, RawJson.of("{\"iceServers\":[]}")),
                "{\"type\":\"welcome\",\"peerId\":\"p1\",\"serverTime\":1,\"expiresAt\":2,\"maxMessageSize\":3,\"metadata\":{\"iceServers\":[]}}");
        assertJson(new ServerFrame.Ack("r"), "{\"type\":\"ack\",\"requestId\":\"r\"}");
        assertJson(new ServerFrame.Error("peer_not_found", "gone", "r"),
                "{\"type\":\"error\",\"code\":\"peer_not_found\",\"message\":\"gone\",\"requestId\":\"r\"}");
        assertJson(new ServerFrame.Error("x", null, null), "{\"type\":\"error\",\"code\":\"x\"}");
        assertJson(new ServerFrame.Message("c", "p", RawJson.of("{\"z\":1,\"a\":2}"), meta),
                "{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":{\"z\":1,\"a\":2},\"fromMetadata\":{\"name\":\"Ann\"}}");
        assertJson(new ServerFrame.Direct("p", RawJson.of("1"), null), "{\"type\":\"direct\",\"from\":\"p\",\"data\":1}");
        assertJson(new ServerFrame.Presence("c", List.of(new ServerFrame.PresenceEntry("a", meta)),
                        List.of(new ServerFrame.PresenceEntry("b", null))),
                "{\"type\":\"presence\",\"channel\":\"c\",\"joined\":[{\"peerId\":\"a\",\"metadata\":{\"name\":\"Ann\"}}],\"left\":[{\"peerId\":\"b\"}]}");
        assertJson(new ServerFrame.Presence("c", List.of(), List.of()),
                "{\"type\":\"presence\",\"channel\":\"c\",\"joined\":[],\"left\":[]}");
        assertJson(new ServerFrame.GoingAway(2500), "{\"type\":\"going_away\",\"retryAfterMs\":2500}");
        assertJson(new ServerFrame.Pong(), "{\"type\":\"pong\"}");
    }

    @Test
    void encodedFramesAreValidJsonThatDecodesBack() throws Exception {
        String text = FrameCodec.encodeToString(new ServerFrame.Message("c\"\n", "p\\", RawJson.of("[\"é\"]"), null));
        JsonNode n = MAPPER.readTree(text);
        assertThat(n.get("channel").asText()).isEqualTo("c\"\n");
        assertThat(n.get("from").asText()).isEqualTo("p\\");
        assertThat(n.get("data").get(0).asText()).isEqualTo("é");
    }

    private static void assertJson(ServerFrame frame, String expected) {
        assertThat(FrameCodec.encodeToString(frame)).isEqualTo(expected);
    }

    private static ClientFrame ok(String text) {
        DecodeResult r = FrameCodec.decodeClient(text);
        assertThat(r).isInstanceOf(DecodeResult.Ok.class);
        return ((DecodeResult.Ok) r).frame();
    }

    private static ErrorCode code(String text) {
        DecodeResult r = FrameCodec.decodeClient(text);
        assertThat(r).isInstanceOf(DecodeResult.Invalid.class);
        return ((DecodeResult.Invalid) r).code();
    }
}

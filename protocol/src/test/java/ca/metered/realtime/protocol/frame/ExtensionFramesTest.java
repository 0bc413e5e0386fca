package ca.metered.realtime.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The extension frames and fields of docs/protocol.md 9 (history and recovery, idempotent publish,
 * token refresh): exact wire shapes, validation errors, and that frames without them are
 * byte-for-byte what they were.
 */
class ExtensionFramesTest {
    private static final RawJson DATA = RawJson.of("{\"n\":1}");

    @Test
    void decodesTheExtensionFieldsAndCommands() {
        assertThat(ok("{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"e1\",\"offset\":41},\"requestId\":\"s\"}"))
                .isEqualTo(new ClientFrame.Subscribe("c", "s", false, new StreamPosition("e1", 41)));
        assertThat(ok("{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":null}"))
                .isEqualTo(new ClientFrame.Subscribe("c", null, false));
        assertThat(((ClientFrame.Subscribe) ok("{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"\",\"offset\":0}}"))
                .recover().isStart()).isTrue();
        assertThat(ok("{\"type\":\"publish\",\"channel\":\"c\",\"data\":{\"n\":1},\"idempotencyKey\":\"k-1\"}"))
                .isEqualTo(new ClientFrame.Publish("c", DATA, null, "k-1"));
        assertThat(ok("{\"type\":\"publish\",\"channel\":\"c\",\"data\":{\"n\":1},\"idempotencyKey\":\"" + "k".repeat(128) + "\"}"))
                .isEqualTo(new ClientFrame.Publish("c", DATA, null, "k".repeat(128)));
        assertThat(ok("{\"type\":\"history\",\"channel\":\"c\",\"limit\":10,\"requestId\":\"h\"}"))
                .isEqualTo(new ClientFrame.History("c", 10, null, "h"));
        assertThat(ok("{\"type\":\"history\",\"channel\":\"c\",\"since\":{\"offset\":0,\"epoch\":\"x\",\"other\":[1]},\"requestId\":\"h\"}"))
                .isEqualTo(new ClientFrame.History("c", null, new StreamPosition("x", 0), "h"));
        assertThat(ok("{\"type\":\"history\",\"channel\":\"c\",\"limit\":0}"))
                .isEqualTo(new ClientFrame.History("c", 0, null, null));
        assertThat(ok("{\"type\":\"refresh\",\"token\":\"a.b.c\",\"requestId\":\"t\"}"))
                .isEqualTo(new ClientFrame.Refresh("a.b.c", "t"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":5,\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"e\"},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"e\",\"offset\":-1},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"e\",\"offset\":1.5},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"e\",\"offset\":\"3\"},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"\",\"offset\":3},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":7,\"offset\":3},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"e\",\"offset\":99999999999999999999},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"publish\",\"channel\":\"c\",\"data\":1,\"idempotencyKey\":\"\",\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"publish\",\"channel\":\"c\",\"data\":1,\"idempotencyKey\":42,\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"publish\",\"channel\":\"c\",\"idempotencyKey\":\"k\",\"requestId\":\"r\"}|missing_data|r",
            "{\"type\":\"history\",\"requestId\":\"r\"}|invalid_channel|r",
            "{\"type\":\"history\",\"channel\":\"c\",\"limit\":-1,\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"history\",\"channel\":\"c\",\"limit\":\"10\",\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"history\",\"channel\":\"c\",\"limit\":1.0,\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"history\",\"channel\":\"c\",\"limit\":3000000000,\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"history\",\"channel\":\"c\",\"since\":[],\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"history\",\"channel\":\"c\",\"since\":{\"epoch\":\"\",\"offset\":0},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"\",\"offset\":1},\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"refresh\",\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"refresh\",\"token\":\"\",\"requestId\":\"r\"}|malformed_message|r",
            "{\"type\":\"refresh\",\"token\":{\"a\":1},\"requestId\":\"r\"}|malformed_message|r",
    })
    void answersBadExtensionInputWithTheDocumentedCode(String text, String code, String requestId) {
        DecodeResult r = FrameCodec.decodeClient(text);
        assertThat(r).isInstanceOf(DecodeResult.Invalid.class);
        DecodeResult.Invalid inv = (DecodeResult.Invalid) r;
        assertThat(inv.code().wireName()).isEqualTo(code);
        assertThat(inv.requestId()).isEqualTo(requestId);
        assertThat(inv.message()).isNotBlank();
    }

    @Test
    void anOverlongIdempotencyKeyOrEpochIsMalformed() {
        assertThat(code("{\"type\":\"publish\",\"channel\":\"c\",\"data\":1,\"idempotencyKey\":\"" + "k".repeat(129) + "\"}"))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(code("{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"" + "e".repeat(65)
                + "\",\"offset\":1}}")).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(ok("{\"type\":\"subscribe\",\"channel\":\"c\",\"recover\":{\"epoch\":\"" + "e".repeat(64)
                + "\",\"offset\":1}}")).isNotNull();
    }

    @Test
    void encodesTheExtensionFieldsAfterTheHostedServicesOnes() {
        StreamPosition at = new StreamPosition("e1", 42);
        assertJson(new ServerFrame.Message("c", "p", DATA, null, at),
                "{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":{\"n\":1},\"offset\":42,\"epoch\":\"e1\"}");
        assertJson(ServerFrame.Ack.positioned("s", true, at),
                "{\"type\":\"ack\",\"requestId\":\"s\",\"recovered\":true,\"epoch\":\"e1\",\"offset\":42}");
        assertJson(ServerFrame.Ack.positioned("s", null, at),
                "{\"type\":\"ack\",\"requestId\":\"s\",\"epoch\":\"e1\",\"offset\":42}");
        assertJson(ServerFrame.Ack.positioned("s", false, null),
                "{\"type\":\"ack\",\"requestId\":\"s\",\"recovered\":false}");
        assertJson(ServerFrame.Ack.history("h", at, List.of(new ServerFrame.Message("c", "p", DATA, null,
                        new StreamPosition("e1", 41)))),
                "{\"type\":\"ack\",\"requestId\":\"h\",\"epoch\":\"e1\",\"offset\":42,\"messages\":[{\"type\":\"message\","
                        + "\"channel\":\"c\",\"from\":\"p\",\"data\":{\"n\":1},\"offset\":41,\"epoch\":\"e1\"}]}");
        assertJson(ServerFrame.Ack.history("h", at, List.of()),
                "{\"type\":\"ack\",\"requestId\":\"h\",\"epoch\":\"e1\",\"offset\":42,\"messages\":[]}");
        assertJson(ServerFrame.Ack.refreshed("t", 1_800_000_000L),
                "{\"type\":\"ack\",\"requestId\":\"t\",\"expiresAt\":1800000000}");
        assertJson(new ServerFrame.Resubscribe("c"), "{\"type\":\"resubscribe\",\"channel\":\"c\"}");
    }

    @Test
    void framesWithoutExtensionsAreByteForByteTheHostedServicesFrames() {
        assertJson(new ServerFrame.Message("c", "p", DATA, null, null),
                "{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":{\"n\":1}}");
        assertThat(FrameCodec.encode(new ServerFrame.Message("c", "p", DATA, RawJson.of("{}"), null)))
                .isEqualTo(FrameCodec.encode(new ServerFrame.Message("c", "p", DATA, RawJson.of("{}"))));
        assertThat(FrameCodec.encode(new ServerFrame.Ack("r", null, null, null, null)))
                .isEqualTo(FrameCodec.encode(new ServerFrame.Ack("r")));
        assertJson(new ServerFrame.Ack("r"), "{\"type\":\"ack\",\"requestId\":\"r\"}");
        // and the client direction: no recover, no idempotencyKey → the frames the JS SDK sends
        assertThat(FrameCodec.encode(new ClientFrame.Subscribe("c", "s", false, null)))
                .isEqualTo("{\"type\":\"subscribe\",\"channel\":\"c\",\"requestId\":\"s\"}");
        assertThat(FrameCodec.encode(new ClientFrame.Publish("c", DATA, "p", null)))
                .isEqualTo("{\"type\":\"publish\",\"channel\":\"c\",\"data\":{\"n\":1},\"requestId\":\"p\"}");
    }

    @Test
    void encodesTheExtensionCommands() {
        assertThat(FrameCodec.encode(new ClientFrame.Subscribe("c", "s", true, new StreamPosition("e", 3))))
                .isEqualTo("{\"type\":\"subscribe\",\"channel\":\"c\",\"includeSenderMetadata\":true,"
                        + "\"recover\":{\"epoch\":\"e\",\"offset\":3},\"requestId\":\"s\"}");
        assertThat(FrameCodec.encode(new ClientFrame.Publish("c", DATA, "p", "k")))
                .isEqualTo("{\"type\":\"publish\",\"channel\":\"c\",\"data\":{\"n\":1},\"idempotencyKey\":\"k\",\"requestId\":\"p\"}");
        assertThat(FrameCodec.encode(new ClientFrame.History("c", 5, new StreamPosition("e", 3), "h")))
                .isEqualTo("{\"type\":\"history\",\"channel\":\"c\",\"limit\":5,\"since\":{\"epoch\":\"e\",\"offset\":3},\"requestId\":\"h\"}");
        assertThat(FrameCodec.encode(new ClientFrame.Refresh("a.b.c", "t")))
                .isEqualTo("{\"type\":\"refresh\",\"token\":\"a.b.c\",\"requestId\":\"t\"}");
    }

    @Test
    void aRefreshNeverPrintsItsToken() {
        assertThat(new ClientFrame.Refresh("secret.jwt.value", "t").toString()).doesNotContain("secret");
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

package ca.metered.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SDK's decoder against the server's encoder (protocol module), and the JS parser's strictness. */
class InboundTest {

    @Test
    void everyFrameTheServerEncodesDecodesIntoTheMatchingEventOrFrame() {
        Inbound welcome = Inbound.decode(FrameCodec.encodeToString(
                new ServerFrame.Welcome("p1", 1700000000L, 1700003600L, 1024, RawJson.of("{\"iceServers\":[]}"))));
        assertThat(welcome.frame()).isEqualTo(new ServerFrame.Welcome("p1", 1700000000L, 1700003600L, 1024, null));
        assertThat(welcome.welcomeMetadata()).isEqualTo(Json.parse("{\"iceServers\":[]}"));
        List<ServerFrame> control = List.of(
                new ServerFrame.Welcome("p1", 1700000000L, null, 65536, null),
                new ServerFrame.Error("peer_not_found", "no such peer", "r2"),
                new ServerFrame.Error("over_message_quota", null, null),
                new ServerFrame.Pong());
        for (ServerFrame f : control) {
            Inbound in = Inbound.decode(FrameCodec.encodeToString(f));
            assertThat(in.problem()).isNull();
            assertThat(in.frame()).isEqualTo(f);
            assertThat(in.event()).isNull();
        }
        assertThat(Inbound.decode(FrameCodec.encodeToString(new ServerFrame.Ack("r1"))).reply())
                .isEqualTo(Reply.plain("r1"));
        assertThat(event(new ServerFrame.Message("c", "p2", RawJson.of("{\"b\":1,\"a\":[1,2.50]}"), null)))
                .isEqualTo(new ClientEvent.Message("c", "p2", Json.parse("{\"b\":1,\"a\":[1,2.50]}"), null));
        assertThat(event(new ServerFrame.Message("c", "p2", RawJson.of("\"x\""), RawJson.of("{\"name\":\"bob\"}"))))
                .isEqualTo(new ClientEvent.Message("c", "p2", Json.parse("\"x\""), Json.parse("{\"name\":\"bob\"}")));
        assertThat(event(new ServerFrame.Direct("p3", RawJson.of("null"), RawJson.of("{}"))))
                .isEqualTo(new ClientEvent.Direct("p3", Json.parse("null"), Json.parse("{}")));
        assertThat(event(new ServerFrame.Presence("c", List.of(new ServerFrame.PresenceEntry("a", RawJson.of("{\"n\":1}")),
                new ServerFrame.PresenceEntry("b", null)), List.of())))
                .isEqualTo(new ClientEvent.Presence("c", List.of(new ClientEvent.PresencePeer("a", Json.parse("{\"n\":1}")),
                        new ClientEvent.PresencePeer("b", null)), List.of()));
        assertThat(event(new ServerFrame.GoingAway(5000))).isEqualTo(new ClientEvent.GoingAway(5000));
    }

    private static ClientEvent event(ServerFrame f) {
        Inbound in = Inbound.decode(FrameCodec.encodeToString(f));
        assertThat(in.problem()).isNull();
        assertThat(in.frame()).isNull();
        return in.event();
    }

    @Test
    void dropsNonObjectMetadataButKeepsTheFrame() {
        assertThat(Inbound.decode("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":1,\"fromMetadata\":[1]}")
                .event()).isEqualTo(new ClientEvent.Message("c", "p", Json.parse("1"), null));
        Inbound w = Inbound.decode("{\"type\":\"welcome\",\"peerId\":\"p\",\"serverTime\":1,\"expiresAt\":null,"
                + "\"maxMessageSize\":1,\"metadata\":\"x\"}");
        assertThat(w.frame()).isEqualTo(new ServerFrame.Welcome("p", 1, null, 1, null));
        assertThat(w.welcomeMetadata()).isNull();
    }

    @Test
    void goingAwayDefaultsRetryAfterTo1000() {
        assertThat(Inbound.decode("{\"type\":\"going_away\"}").event()).isEqualTo(new ClientEvent.GoingAway(1000));
        assertThat(Inbound.decode("{\"type\":\"going_away\",\"retryAfterMs\":-5}").event())
                .isEqualTo(new ClientEvent.GoingAway(1000));
    }

    @Test
    void theLastOfDuplicateKeysWinsAsInJsonParse() {
        assertThat(Inbound.decode("{\"type\":\"ack\",\"requestId\":\"a\",\"requestId\":\"b\"}").reply())
                .isEqualTo(Reply.plain("b"));
    }

    @Test
    void readsTheExtensionFieldsOfProtocol9() {
        StreamPosition at = new StreamPosition("e1", 42);
        assertThat(Inbound.decode(FrameCodec.encodeToString(new ServerFrame.Message("c", "p", RawJson.of("1"), null, at)))
                .event()).isEqualTo(new ClientEvent.Message("c", "p", Json.parse("1"), null, at));
        assertThat(Inbound.decode(FrameCodec.encodeToString(ServerFrame.Ack.positioned("s", false, at))).reply())
                .isEqualTo(new Reply("s", false, at, null, null));
        assertThat(Inbound.decode(FrameCodec.encodeToString(ServerFrame.Ack.history("h", at,
                List.of(new ServerFrame.Message("c", "p", RawJson.of("{\"n\":1}"), null, new StreamPosition("e1", 41))))))
                .reply()).isEqualTo(new Reply("h", null, at, List.of(new ClientEvent.Message("c", "p",
                        Json.parse("{\"n\":1}"), null, new StreamPosition("e1", 41))), null));
        assertThat(Inbound.decode(FrameCodec.encodeToString(ServerFrame.Ack.refreshed("t", 1_800_000_000L))).reply())
                .isEqualTo(new Reply("t", null, null, null, 1_800_000_000L));
        assertThat(Inbound.decode("{\"type\":\"resubscribe\",\"channel\":\"c\"}").frame())
                .isEqualTo(new ServerFrame.Resubscribe("c"));
    }

    @Test
    void aHalfFormedPositionIsIgnoredAndAHistoryWithANonMessageIsMalformed() {
        assertThat(Inbound.decode("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":1,\"offset\":-3,\"epoch\":\"e\"}")
                .event()).isEqualTo(new ClientEvent.Message("c", "p", Json.parse("1"), null, null));
        assertThat(Inbound.decode("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":1,\"offset\":1.5,\"epoch\":\"e\"}")
                .event()).isEqualTo(new ClientEvent.Message("c", "p", Json.parse("1"), null, null));
        assertThat(Inbound.decode("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":1,\"offset\":3}")
                .event()).isEqualTo(new ClientEvent.Message("c", "p", Json.parse("1"), null, null));
        assertThat(Inbound.decode("{\"type\":\"ack\",\"requestId\":\"h\",\"messages\":[{\"type\":\"pong\"}]}").problem())
                .isEqualTo("ack.messages invalid");
        assertThat(Inbound.decode("{\"type\":\"ack\",\"requestId\":\"h\",\"messages\":3}").problem())
                .isEqualTo("ack.messages invalid");
        assertThat(Inbound.decode("{\"type\":\"resubscribe\"}").problem()).isEqualTo("resubscribe.channel missing");
    }

    @Test
    void framesLongerThanOneMebiCharAreFlaggedNotParsed() {
        Inbound in = Inbound.decode("x".repeat(Inbound.MAX_CHARS + 1));
        assertThat(in.oversized()).isTrue();
        assertThat(Inbound.decode(" ".repeat(Inbound.MAX_CHARS - 20) + "{\"type\":\"pong\"}").oversized()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "nope", "[1]", "{\"type\":1}", "{}", "{\"type\":\"welcome\",\"serverTime\":1,\"expiresAt\":null,\"maxMessageSize\":1}",
            "{\"type\":\"welcome\",\"peerId\":\"p\",\"serverTime\":1,\"maxMessageSize\":1}",
            "{\"type\":\"welcome\",\"peerId\":\"p\",\"serverTime\":\"1\",\"expiresAt\":null,\"maxMessageSize\":1}",
            "{\"type\":\"welcome\",\"peerId\":\"p\",\"serverTime\":1,\"expiresAt\":null}",
            "{\"type\":\"welcome\",\"peerId\":\"p\",\"serverTime\":1,\"expiresAt\":\"soon\",\"maxMessageSize\":1}",
            "{\"type\":\"ack\"}", "{\"type\":\"error\",\"code\":\"\"}", "{\"type\":\"error\"}",
            "{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\"}", "{\"type\":\"message\",\"from\":\"p\",\"data\":1}",
            "{\"type\":\"message\",\"channel\":\"c\",\"from\":7,\"data\":1}",
            "{\"type\":\"direct\",\"data\":1}", "{\"type\":\"presence\",\"channel\":\"c\",\"joined\":[]}",
            "{\"type\":\"presence\",\"channel\":\"c\",\"joined\":[{\"metadata\":{}}],\"left\":[]}",
            "{\"type\":\"presence\",\"channel\":\"c\",\"joined\":[1],\"left\":[]}",
            "{\"type\":\"presence\",\"channel\":\"c\",\"joined\":{},\"left\":[]}",
            "{\"type\":\"wat\"}", "{\"type\":\"pong\"} trailing", "{\"type\":\"pong\"}{}", "{\"type\":\"pong\""})
    void malformedServerFramesAreReportedNotThrown(String text) {
        Inbound in = Inbound.decode(text);
        assertThat(in.problem()).isNotNull();
        assertThat(in.frame()).isNull();
        assertThat(in.event()).isNull();
    }
}

package ca.metered.realtime.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientSideCodecTest {

    @Test
    void everyServerFrameRoundTripsThroughTheClientDecoder() {
        List<ServerFrame> frames = List.of(
                new ServerFrame.Welcome("p1", 1700000000L, null, 65536, null),
                new ServerFrame.Welcome("p1", 1700000000L, 1700003600L, 1024, RawJson.of("{\"iceServers\":[]}")),
                new ServerFrame.Ack("r1"),
                new ServerFrame.Error("peer_not_found", "no such peer", "r2"),
                new ServerFrame.Error("over_message_quota", null, null),
                new ServerFrame.Message("c", "p2", RawJson.of("{\"b\":1,\"a\":[1,2.50]}"), null),
                new ServerFrame.Message("c", "p2", RawJson.of("\"x\""), RawJson.of("{\"name\":\"bob\"}")),
                new ServerFrame.Direct("p3", RawJson.of("null"), RawJson.of("{}")),
                new ServerFrame.Presence("c", List.of(new ServerFrame.PresenceEntry("a", RawJson.of("{\"n\":1}")),
                        new ServerFrame.PresenceEntry("b", null)), List.of()),
                new ServerFrame.GoingAway(5000),
                new ServerFrame.Pong());
        for (ServerFrame f : frames) {
            assertThat(FrameCodec.decodeServer(FrameCodec.encodeToString(f))).isEqualTo(new ServerDecodeResult.Ok(f));
        }
    }

    @Test
    void everyClientFrameRoundTripsThroughTheServerDecoder() {
        List<ClientFrame> frames = List.of(
                new ClientFrame.Subscribe("room", "r1", true),
                new ClientFrame.Subscribe("room", "r1", false),
                new ClientFrame.Unsubscribe("room", "r2"),
                new ClientFrame.Publish("room", RawJson.of("{\"a\":[1,{\"b\":null}]}"), "r3"),
                new ClientFrame.Send("bob", RawJson.of("42"), "r4"),
                new ClientFrame.Ping());
        for (ClientFrame f : frames) {
            assertThat(FrameCodec.decodeClient(FrameCodec.encode(f))).isEqualTo(new DecodeResult.Ok(f));
        }
    }

    @Test
    void omitsDefaultsLikeTheJsSdk() {
        assertThat(FrameCodec.encode(new ClientFrame.Subscribe("c", "r", false)))
                .isEqualTo("{\"type\":\"subscribe\",\"channel\":\"c\",\"requestId\":\"r\"}");
        assertThat(FrameCodec.encode(new ClientFrame.Ping())).isEqualTo("{\"type\":\"ping\"}");
    }

    @Test
    void dropsNonObjectMetadataButKeepsTheFrame() {
        ServerDecodeResult r = FrameCodec.decodeServer(
                "{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":1,\"fromMetadata\":[1]}");
        assertThat(r).isEqualTo(new ServerDecodeResult.Ok(
                new ServerFrame.Message("c", "p", RawJson.of("1"), null)));
    }

    @Test
    void goingAwayDefaultsRetryAfterTo1000() {
        assertThat(FrameCodec.decodeServer("{\"type\":\"going_away\"}"))
                .isEqualTo(new ServerDecodeResult.Ok(new ServerFrame.GoingAway(1000)));
        assertThat(FrameCodec.decodeServer("{\"type\":\"going_away\",\"retryAfterMs\":-5}"))
                .isEqualTo(new ServerDecodeResult.Ok(new ServerFrame.GoingAway(1000)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "nope", "[1]", "{\"type\":1}", "{}", "{\"type\":\"welcome\",\"serverTime\":1,\"expiresAt\":null,\"maxMessageSize\":1}",
            "{\"type\":\"welcome\",\"peerId\":\"p\",\"serverTime\":1,\"maxMessageSize\":1}",
            "{\"type\":\"welcome\",\"peerId\":\"p\",\"serverTime\":\"1\",\"expiresAt\":null,\"maxMessageSize\":1}",
            "{\"type\":\"welcome\",\"peerId\":\"p\",\"serverTime\":1,\"expiresAt\":null}",
            "{\"type\":\"ack\"}", "{\"type\":\"error\",\"code\":\"\"}", "{\"type\":\"error\"}",
            "{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\"}", "{\"type\":\"message\",\"from\":\"p\",\"data\":1}",
            "{\"type\":\"direct\",\"data\":1}", "{\"type\":\"presence\",\"channel\":\"c\",\"joined\":[]}",
            "{\"type\":\"presence\",\"channel\":\"c\",\"joined\":[{\"metadata\":{}}],\"left\":[]}",
            "{\"type\":\"presence\",\"channel\":\"c\",\"joined\":[1],\"left\":[]}",
            "{\"type\":\"wat\"}", "{\"type\":\"pong\"} trailing"})
    void malformedServerFramesAreReportedNotThrown(String text) {
        assertThat(FrameCodec.decodeServer(text)).isInstanceOf(ServerDecodeResult.Malformed.class);
    }
}

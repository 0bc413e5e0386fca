package ca.metered.realtime.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The client direction of the encoder; server frames are decoded by the SDK (its InboundTest). */
class ClientSideCodecTest {

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
}

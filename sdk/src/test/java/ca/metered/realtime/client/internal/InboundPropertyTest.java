package ca.metered.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.testing.FrameArbitraries;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based tests of the SDK's decoder against the server's encoder (the protocol module's
 * generators): every frame the server can encode decodes to the same content, and no text, however
 * mangled, makes decoding throw.
 */
class InboundPropertyTest {

    @Provide
    Arbitrary<ServerFrame> serverFrames() {
        return FrameArbitraries.serverFrames();
    }

    @Provide
    Arbitrary<String> mutatedServerFrames() {
        return FrameArbitraries.mutatedServerFrames();
    }

    @Provide
    Arbitrary<String> anyText() {
        return FrameArbitraries.anyText();
    }

    @Property(tries = 2000)
    void everyFrameTheServerEncodesDecodesToTheSameContent(@ForAll("serverFrames") ServerFrame frame) {
        Inbound in = Inbound.decode(new String(FrameCodec.encode(frame), StandardCharsets.UTF_8));
        assertThat(in.problem()).as("problem").isNull();
        switch (frame.kind()) {
            case MESSAGE -> {
                ServerFrame.Message m = (ServerFrame.Message) frame;
                assertThat(in.event()).isEqualTo(message(m));
            }
            case DIRECT -> {
                ServerFrame.Direct d = (ServerFrame.Direct) frame;
                assertThat(in.event()).isEqualTo(new ClientEvent.Direct(d.from(), tree(d.data()), tree(d.fromMetadata())));
            }
            case PRESENCE -> {
                ServerFrame.Presence p = (ServerFrame.Presence) frame;
                assertThat(in.event()).isEqualTo(new ClientEvent.Presence(p.channel(), peers(p.joined()), peers(p.left())));
            }
            case GOING_AWAY -> assertThat(in.event())
                    .isEqualTo(new ClientEvent.GoingAway(((ServerFrame.GoingAway) frame).retryAfterMs()));
            case WELCOME -> {
                ServerFrame.Welcome w = (ServerFrame.Welcome) frame;
                // The metadata comes as a tree next to the frame.
                assertThat(in.frame()).isEqualTo(new ServerFrame.Welcome(w.peerId(), w.serverTime(), w.expiresAt(),
                        w.maxMessageSize(), null));
                assertThat(in.welcomeMetadata()).isEqualTo(tree(w.metadata()));
            }
            case ACK -> {
                ServerFrame.Ack a = (ServerFrame.Ack) frame;
                assertThat(in.reply()).isEqualTo(new Reply(a.requestId(), a.recovered(), a.position(),
                        a.messages() == null ? null : a.messages().stream().map(InboundPropertyTest::message).toList(),
                        a.expiresAt()));
            }
            default -> assertThat(in.frame()).isEqualTo(frame); // error, pong, resubscribe
        }
    }

    @Property(tries = 3000)
    void decodingAnyServerTextNeverThrows(@ForAll("mutatedServerFrames") String text) {
        assertDecodedOrReported(Inbound.decode(text));
    }

    @Property(tries = 2000)
    void decodingArbitraryTextNeverThrows(@ForAll("anyText") String text) {
        assertDecodedOrReported(Inbound.decode(text));
    }

    @Property(tries = 50)
    void deepNestingIsMalformedOrDecodedNotAStackOverflow(@ForAll @IntRange(min = 1, max = 20_000) int depth) {
        String data = "[".repeat(depth) + "]".repeat(depth);
        assertDecodedOrReported(Inbound.decode("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":" + data + "}"));
    }

    /** Exactly one of: an event, a control frame, a reason it was dropped. */
    private static void assertDecodedOrReported(Inbound in) {
        int outcomes = (in.event() != null ? 1 : 0) + (in.frame() != null ? 1 : 0) + (in.reply() != null ? 1 : 0)
                + (in.problem() != null ? 1 : 0);
        assertThat(outcomes).isEqualTo(1);
        if (in.problem() != null) {
            assertThat(in.problem()).isNotBlank();
        }
    }

    private static ClientEvent.Message message(ServerFrame.Message m) {
        return new ClientEvent.Message(m.channel(), m.from(), tree(m.data()), tree(m.fromMetadata()), m.position());
    }

    private static JsonNode tree(RawJson raw) {
        return raw == null ? null : Json.parse(raw.json());
    }

    private static List<ClientEvent.PresencePeer> peers(List<ServerFrame.PresenceEntry> entries) {
        return entries.stream().map(e -> new ClientEvent.PresencePeer(e.peerId(), tree(e.metadata()))).toList();
    }
}

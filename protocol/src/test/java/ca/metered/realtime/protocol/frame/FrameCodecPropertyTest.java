package ca.metered.realtime.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.testing.FrameArbitraries;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based tests of the codec (jqwik): decoding never throws and only ever yields the
 * documented results (docs/protocol.md 3), every client frame survives encode → decode unchanged, and
 * {@code data} passes through as the exact text the sender wrote. Server frames are decoded by the
 * SDK: its {@code InboundPropertyTest} round-trips every frame this codec encodes.
 */
class FrameCodecPropertyTest {
    @Provide
    Arbitrary<String> anyText() {
        return FrameArbitraries.anyText();
    }

    @Provide
    Arbitrary<String> mutatedClientFrames() {
        return FrameArbitraries.mutatedClientFrames();
    }

    @Provide
    Arbitrary<ClientFrame> clientFrames() {
        return FrameArbitraries.clientFrames();
    }

    @Provide
    Arbitrary<String> jsonValues() {
        return FrameArbitraries.jsonValues();
    }

    @Provide
    Arbitrary<String> channels() {
        return FrameArbitraries.channels();
    }

    /** What decoding a client frame may answer (docs/protocol.md 3); anything else is a bug. */
    private static final Set<ErrorCode> DECODE_ERRORS = EnumSet.of(ErrorCode.MALFORMED_MESSAGE, ErrorCode.UNKNOWN_TYPE,
            ErrorCode.INVALID_CHANNEL, ErrorCode.INVALID_PEER_ID, ErrorCode.MISSING_DATA);

    // ---- decoding never throws ------------------------------------------------------------

    @Property(tries = 2000)
    void decodingAnyTextYieldsACommandOrADocumentedError(@ForAll("anyText") String text) {
        assertDocumented(FrameCodec.decodeClient(text));
    }

    @Property(tries = 3000)
    void decodingAMutatedValidFrameYieldsACommandOrADocumentedError(@ForAll("mutatedClientFrames") String text) {
        assertDocumented(FrameCodec.decodeClient(text));
    }

    @Property(tries = 50)
    void deepNestingIsAnErrorNotAStackOverflow(@ForAll @IntRange(min = 1, max = 20_000) int depth) {
        String data = "[".repeat(depth) + "]".repeat(depth);
        assertDocumented(FrameCodec.decodeClient("{\"type\":\"publish\",\"channel\":\"c\",\"data\":" + data + "}"));
    }

    private static void assertDocumented(DecodeResult r) {
        assertThat(r).isInstanceOfAny(DecodeResult.Ok.class, DecodeResult.Invalid.class);
        if (r instanceof DecodeResult.Invalid inv) {
            assertThat(DECODE_ERRORS).contains(inv.code());
            assertThat(inv.message()).isNotBlank().hasSizeLessThan(200);
            if (inv.requestId() != null) {
                assertThat(inv.requestId()).isNotEmpty().hasSizeLessThanOrEqualTo(FrameCodec.MAX_REQUEST_ID_LENGTH);
            }
            // the answer itself always encodes
            assertThat(FrameCodec.encode(inv.toFrame())).isNotEmpty();
        }
    }

    // ---- round trips ------------------------------------------------------------------------

    @Property(tries = 2000)
    void everyClientFrameRoundTrips(@ForAll("clientFrames") ClientFrame frame) {
        String wire = FrameCodec.encode(frame);
        assertThat(FrameCodec.decodeClient(wire)).isEqualTo(new DecodeResult.Ok(frame));
    }

    @Property(tries = 2000)
    void dataPassesThroughByteForByte(@ForAll("jsonValues") String data, @ForAll("channels") String channel) {
        DecodeResult in = FrameCodec.decodeClient("{\"type\":\"publish\",\"data\":" + data + ",\"channel\":"
                + FrameArbitraries.quoted(channel) + "}");
        assertThat(in).isInstanceOf(DecodeResult.Ok.class);
        RawJson received = ((ClientFrame.Publish) ((DecodeResult.Ok) in).frame()).data();
        assertThat(received.json()).isEqualTo(data);
        byte[] out = FrameCodec.encode(new ServerFrame.Message(channel, "peer", received, null));
        assertThat(indexOf(out, data.getBytes(StandardCharsets.UTF_8))).as("data bytes spliced unchanged").isNotNegative();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

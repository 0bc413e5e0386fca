package ca.metered.realtime.protocol.testing;

import ca.metered.realtime.protocol.ChannelNames;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of protocol text and frames: arbitrary and mutated text, JSON values with
 * escapes and odd numbers, valid channels and peerIds, every client and server frame. Shared with
 * the SDK's decoder tests through this module's test-jar (a package of its own, so it does not
 * split the {@code ca.metered.realtime.protocol} module's packages).
 */
public final class FrameArbitraries {
    private FrameArbitraries() {
    }

    /** Text without lone surrogates: what can arrive in a UTF-8 WebSocket text frame. */
    private static Arbitrary<String> text(int maxLength) {
        return Arbitraries.strings()
                .withCharRange('\u0000', '\ud7ff')
                .withCharRange('\ue000', '\uffff')
                .ofMaxLength(maxLength);
    }

    public static Arbitrary<String> anyText() {
        return Arbitraries.oneOf(text(200), Arbitraries.strings().withChars("{}[]\":,\\ 0123456789.eE-+tfnulrsa")
                .ofMaxLength(200), jsonValues());
    }

    public static Arbitrary<String> channels() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(60),
                text(80).filter(s -> !s.isEmpty()))
                .filter(ChannelNames::isValid);
    }

    private static Arbitrary<String> peerIds() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(128);
    }

    private static Arbitrary<String> requestIds() {
        return text(128).filter(s -> !s.isEmpty()).injectNull(0.3);
    }

    private static Arbitrary<String> whitespace() {
        return Arbitraries.of("", "", " ", "\n", "\t \r\n ");
    }

    /** A JSON string literal with a mix of raw characters and escapes, all valid JSON. */
    private static Arbitrary<String> jsonStrings() {
        return Combinators.combine(text(24), Arbitraries.integers().between(0, 2)).as(FrameArbitraries::jsonString);
    }

    private static String jsonString(String s, int escapeStyle) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || (escapeStyle == 1 && (c + i) % 3 == 0) || escapeStyle == 2 && c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (escapeStyle == 2) {
            b.append("\\ud83d\\ude00\\ud800"); // a pair and a lone surrogate, legal as escapes
        }
        return b.append('"').toString();
    }

    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().filter(Double::isFinite).map(String::valueOf),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(60).map(d -> d.replaceFirst("^0+(?=.)", "")),
                Arbitraries.of("0", "-0", "1e400", "-1.5E-300", "2.50", "1.10", "0.0000000000000000000001"));
    }

    public static Arbitrary<String> jsonValues() {
        return jsonValue(3);
    }

    private static Arbitrary<String> jsonValue(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(Arbitraries.of("null", "true", "false"), numbers(), jsonStrings());
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> element = Combinators.combine(whitespace(), jsonValue(depth - 1), whitespace())
                .as((a, v, b) -> a + v + b);
        Arbitrary<String> array = element.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> member = Combinators.combine(whitespace(), jsonStrings(), whitespace(), element)
                .as((a, k, b, v) -> a + k + b + ":" + v);
        Arbitrary<String> object = member.list().ofMaxSize(4).map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.frequencyOf(Tuple.of(4, scalar), Tuple.of(1, array), Tuple.of(1, object));
    }

    private static Arbitrary<RawJson> jsonObjects() {
        return jsonValue(2).filter(v -> v.startsWith("{")).map(RawJson::of);
    }

    /** Positions as a server hands them out and clients send them back (docs/protocol.md 9). */
    public static Arbitrary<StreamPosition> positions() {
        return Combinators.combine(text(StreamPosition.MAX_EPOCH_LENGTH).filter(StreamPosition::isValidEpoch),
                Arbitraries.longs().greaterOrEqual(0)).as(StreamPosition::new);
    }

    private static Arbitrary<String> idempotencyKeys() {
        return text(FrameCodec.MAX_IDEMPOTENCY_KEY_LENGTH).filter(s -> !s.isEmpty()).injectNull(0.4);
    }

    public static Arbitrary<ClientFrame> clientFrames() {
        Arbitrary<RawJson> data = jsonValues().map(RawJson::of);
        return Arbitraries.oneOf(
                Combinators.combine(channels(), requestIds(), Arbitraries.of(true, false), positions().injectNull(0.5))
                        .as(ClientFrame.Subscribe::new),
                Combinators.combine(channels(), requestIds()).as(ClientFrame.Unsubscribe::new),
                Combinators.combine(channels(), data, requestIds(), idempotencyKeys()).as(ClientFrame.Publish::new),
                Combinators.combine(peerIds(), data, requestIds()).as(ClientFrame.Send::new),
                Arbitraries.just(new ClientFrame.Ping()),
                Combinators.combine(channels(), Arbitraries.integers().greaterOrEqual(0).injectNull(0.3),
                        positions().injectNull(0.5), requestIds()).as(ClientFrame.History::new),
                Combinators.combine(text(300).filter(s -> !s.isEmpty()), requestIds()).as(ClientFrame.Refresh::new));
    }

    private static Arbitrary<ServerFrame.PresenceEntry> presenceEntries() {
        return Combinators.combine(peerIds(), jsonObjects().injectNull(0.5)).as(ServerFrame.PresenceEntry::new);
    }

    private static Arbitrary<ServerFrame.Message> messages() {
        return Combinators.combine(channels(), peerIds(), jsonValues().map(RawJson::of), jsonObjects().injectNull(0.5),
                positions().injectNull(0.5)).as(ServerFrame.Message::new);
    }

    public static Arbitrary<ServerFrame> serverFrames() {
        Arbitrary<RawJson> data = jsonValues().map(RawJson::of);
        Arbitrary<RawJson> metadata = jsonObjects().injectNull(0.5);
        Arbitrary<String> ackIds = requestIds().filter(r -> r != null);
        return Arbitraries.oneOf(
                Combinators.combine(peerIds(), Arbitraries.longs(), Arbitraries.longs().injectNull(0.5),
                        Arbitraries.integers(), metadata).as(ServerFrame.Welcome::new),
                ackIds.map(ServerFrame.Ack::new),
                Combinators.combine(ackIds, Arbitraries.of(true, false).injectNull(0.5), positions().injectNull(0.3),
                        messages().list().ofMaxSize(3).injectNull(0.5), Arbitraries.longs().injectNull(0.7))
                        .as(ServerFrame.Ack::new),
                Combinators.combine(Arbitraries.of(ErrorCode.values()).map(ErrorCode::wireName), text(80).injectNull(0.3),
                        requestIds()).as(ServerFrame.Error::new),
                messages().map(m -> m),
                channels().map(ServerFrame.Resubscribe::new),
                Combinators.combine(peerIds(), data, metadata).as(ServerFrame.Direct::new),
                Combinators.combine(channels(), presenceEntries().list().ofMaxSize(5), presenceEntries().list().ofMaxSize(5))
                        .as(ServerFrame.Presence::new),
                Arbitraries.longs().between(1, Long.MAX_VALUE).map(ServerFrame.GoingAway::new),
                Arbitraries.just(new ServerFrame.Pong()));
    }

    public static Arbitrary<String> mutatedClientFrames() {
        return mutated(clientFrames().map(FrameCodec::encode));
    }

    public static Arbitrary<String> mutatedServerFrames() {
        return mutated(serverFrames().map(f -> new String(FrameCodec.encode(f), StandardCharsets.UTF_8)));
    }

    /** Valid frames with 1–4 random edits: deletions, insertions, replacements, truncation. */
    public static Arbitrary<String> mutated(Arbitrary<String> valid) {
        Arbitrary<List<int[]>> edits = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.chars().range('\u0000', '\u00ff')
                        .map(c -> (int) c)).as((op, pos, c) -> new int[] {op, pos, c})
                .list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(valid, edits).as((s, es) -> {
            StringBuilder b = new StringBuilder(s);
            for (int[] e : es) {
                int at = b.length() == 0 ? 0 : e[1] % b.length();
                switch (e[0]) {
                    case 0 -> { if (b.length() > 0) { b.deleteCharAt(at); } }
                    case 1 -> b.insert(at, (char) e[2]);
                    case 2 -> { if (b.length() > 0) { b.setCharAt(at, (char) e[2]); } }
                    default -> b.setLength(at);
                }
            }
            return b.toString();
        });
    }

    public static String quoted(String s) {
        return jsonString(s, 0);
    }
}

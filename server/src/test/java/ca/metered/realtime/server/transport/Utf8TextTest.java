package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8Text} against the JDK's strict UTF-8 decoder, wherever the first non-ASCII byte falls. */
class Utf8TextTest {
    private static final byte[][] PIECES = {
        "é".getBytes(StandardCharsets.UTF_8), "€".getBytes(StandardCharsets.UTF_8),
        "😀".getBytes(StandardCharsets.UTF_8), // four bytes
        {(byte) 0xC3}, // a lead byte without its continuation
        {(byte) 0x80}, // a lone continuation
        {(byte) 0xC0, (byte) 0xAF}, // overlong
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
        {(byte) 0xFF},
    };

    @Test
    void agreesWithAStrictDecoderForAsciiRunsOfEveryLengthAroundOtherBytes() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = sample(random);
            int offset = random.nextInt(3);
            for (ByteBuf buf : buffers(bytes, offset)) {
                int reader = buf.readerIndex();
                assertThat(Utf8Text.isValid(buf)).as("case %d: %s", i, hex(bytes)).isEqualTo(strict(bytes));
                assertThat(buf.readerIndex()).isEqualTo(reader);
                buf.release();
            }
        }
    }

    @Test
    void emptyAndPureAsciiOfAnyLengthAreText() {
        for (int n = 0; n < 40; n++) {
            byte[] ascii = "x".repeat(n).getBytes(StandardCharsets.US_ASCII);
            ByteBuf buf = Unpooled.wrappedBuffer(ascii);
            assertThat(Utf8Text.isValid(buf)).isTrue();
            buf.release();
        }
    }

    /** ASCII runs of 0–20 bytes, with up to three pieces (valid or not) between them. */
    private static byte[] sample(Random random) {
        ByteBuf out = Unpooled.buffer();
        int pieces = random.nextInt(4);
        for (int p = 0; p <= pieces; p++) {
            int run = random.nextInt(21);
            for (int k = 0; k < run; k++) {
                out.writeByte(0x20 + random.nextInt(0x5F));
            }
            if (p < pieces) {
                out.writeBytes(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    /** The bytes as a heap and a direct buffer, each read from {@code offset}. */
    private static ByteBuf[] buffers(byte[] bytes, int offset) {
        ByteBuf heap = Unpooled.buffer(bytes.length + offset).writeZero(offset).writeBytes(bytes);
        ByteBuf direct = Unpooled.directBuffer(bytes.length + offset).writeZero(offset).writeBytes(bytes);
        heap.skipBytes(offset);
        direct.skipBytes(offset);
        return new ByteBuf[] {heap, direct};
    }

    private static boolean strict(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}

package ca.metered.realtime.protocol.frame;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The large raw values ({@code data}, metadata) of one server frame being encoded, kept out of
 * the generator: the generator writes the rest of the frame into {@code out}, each large value
 * leaves a gap there, and {@link #toByteArray()} copies the generator's bytes and the values'
 * UTF-8 bytes into one exact-size array.
 *
 * <p>Why: Jackson's {@code writeRawValue(String)} encodes a char at a time into a chain of blocks
 * that is then copied together: 32.8 µs for a frame with 40 KB of {@code data}, 5.5 µs this way,
 * about 8 % of the server's CPU for such a message (docs/performance.md, "Round 11").
 * {@link String#getBytes} encodes an ASCII text as one array copy. Small values still go through
 * the generator: below {@link #MIN_CHARS} the extra arrays cost more than the char loop.
 *
 * <p>Not thread-safe: one instance per frame, on the encoding thread.
 */
final class RawSplices {
    /** Values shorter than this (in chars) are written by the generator. */
    static final int MIN_CHARS = 512;

    private final ByteArrayBuilder out;
    private final int minChars;
    private int count;
    /** Where each value goes in what the generator wrote, in order; {@code null} until the first. */
    private int[] offsets;
    private byte[][] values;
    /** The values' bytes together, kept so the frame's size is known without a second pass. */
    private int valueBytes;

    /** Splices values of at least {@code minChars} chars ({@link #MIN_CHARS} but in tests) into {@code out}'s output. */
    RawSplices(ByteArrayBuilder out, int minChars) {
        this.out = out;
        this.minChars = minChars;
    }

    /**
     * Writes {@code value} as the next JSON value of {@code g}: through the generator when it is
     * small, otherwise as a gap that {@link #toByteArray()} fills.
     */
    void writeValue(JsonGenerator g, RawJson value) throws IOException {
        String json = value.json();
        if (json.length() < minChars) {
            g.writeRawValue(json);
            return;
        }
        // An empty raw value makes the generator write what precedes a value (':' or ','), and
        // keeps its idea of the object's state right for the fields that follow.
        g.writeRawValue("");
        g.flush();
        if (count == 0) {
            offsets = new int[2];
            values = new byte[2][];
        } else if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        offsets[count] = out.size();
        values[count++] = bytes;
        valueBytes += bytes.length;
    }

    /** The frame: what the generator wrote (flushed), with every large value in its gap. */
    byte[] toByteArray() {
        byte[] written = out.toByteArray();
        if (count == 0) {
            return written;
        }
        byte[] frame = new byte[written.length + valueBytes];
        int from = 0;
        int to = 0;
        for (int i = 0; i < count; i++) {
            int run = offsets[i] - from;
            System.arraycopy(written, from, frame, to, run);
            to += run;
            System.arraycopy(values[i], 0, frame, to, values[i].length);
            to += values[i].length;
            from = offsets[i];
        }
        System.arraycopy(written, from, frame, to, written.length - from);
        return frame;
    }
}

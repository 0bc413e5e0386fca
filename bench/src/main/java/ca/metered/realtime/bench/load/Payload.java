package ca.metered.realtime.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The message bodies the generator publishes: exactly {@code size} bytes carrying the send time,
 * so a receiver in the same process computes publish→deliver latency without clock skew.
 * The time is {@code System.nanoTime()} offset to a fixed 19 digits ({@link #stamp}), so every
 * body of a run has the same length and no JSON number has a leading zero.
 *
 * <ul>
 *   <li>rms: the {@code data} JSON value {@code {"t":<19 digits>,"p":"xxx…"}}</li>
 *   <li>NATS: the message payload {@code t=<19 digits>;xxx…}</li>
 * </ul>
 *
 * <p>Stateless; thread-safe.
 */
public final class Payload {
    /** Shortest body either form fits in. */
    public static final int MIN_SIZE = 32;

    private static final long OFFSET = 1_000_000_000_000_000_000L;
    private static final long ORIGIN = System.nanoTime();
    private static final byte[] RMS_MARK = "{\"t\":".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGITS = 19;

    private Payload() {
    }

    /** The current time as carried in bodies: always 19 digits. */
    public static long stamp() {
        return OFFSET + (System.nanoTime() - ORIGIN);
    }

    /** When a {@link #stamp} was taken, in nanoseconds since this generator's time origin. */
    public static long sentNanos(long stamp) {
        return stamp - OFFSET;
    }

    /** The time origin of stamps as wall-clock milliseconds (approximately; for timelines). */
    public static long originEpochMillis() {
        return System.currentTimeMillis() - (System.nanoTime() - ORIGIN) / 1_000_000;
    }

    /** Converts a {@link #stamp} back to nanoseconds elapsed until now. */
    public static long ageNanos(long stamp) {
        return stamp() - stamp;
    }

    /** The rms {@code data} value of {@code size} bytes, minus the stamp written by {@link #writeRms}. */
    public static byte[] rmsPadding(int size) {
        return pad(size - RMS_MARK.length - DIGITS - 8);
    }

    /** Writes {@code {"t":<stamp>,"p":"<padding>"}}. */
    public static void writeRms(ByteBuf out, long stamp, byte[] padding) {
        out.writeBytes(RMS_MARK);
        writeDigits(out, stamp);
        out.writeBytes(SEP_P);
        out.writeBytes(padding);
        out.writeByte('"').writeByte('}');
    }

    private static final byte[] SEP_P = ",\"p\":\"".getBytes(StandardCharsets.US_ASCII);

    /** The NATS payload of {@code size} bytes, minus the stamp written by {@link #writeNats}. */
    public static byte[] natsPadding(int size) {
        return pad(size - 2 - DIGITS - 1);
    }

    /** Writes {@code t=<stamp>;<padding>}. */
    public static void writeNats(ByteBuf out, long stamp, byte[] padding) {
        out.writeByte('t').writeByte('=');
        writeDigits(out, stamp);
        out.writeByte(';');
        out.writeBytes(padding);
    }

    /**
     * The stamp inside an rms {@code message} frame whose {@code data} is {@code size} bytes,
     * or -1 if it carries none. {@code data} is the frame's last field, so it is looked for there
     * first.
     */
    public static long readRms(ByteBuf frame, int size) {
        int at = frame.writerIndex() - 1 - size;
        if (at < frame.readerIndex() || !startsWith(frame, at, RMS_MARK)) {
            at = indexOf(frame, RMS_MARK);
        }
        return at < 0 ? -1 : readDigits(frame, at + RMS_MARK.length);
    }

    private static boolean startsWith(ByteBuf buf, int at, byte[] prefix) {
        if (at + prefix.length > buf.writerIndex()) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf.getByte(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The stamp at the start of a NATS payload starting at {@code index}, or -1. */
    public static long readNats(ByteBuf buf, int index, int length) {
        if (length < 2 + DIGITS || buf.getByte(index) != 't' || buf.getByte(index + 1) != '=') {
            return -1;
        }
        return readDigits(buf, index + 2);
    }

    private static byte[] pad(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("message size must be at least " + MIN_SIZE + " bytes");
        }
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    private static void writeDigits(ByteBuf out, long v) {
        int at = out.writerIndex();
        out.ensureWritable(DIGITS);
        for (int i = DIGITS - 1; i >= 0; i--) {
            out.setByte(at + i, '0' + (int) (v % 10));
            v /= 10;
        }
        out.writerIndex(at + DIGITS);
    }

    private static long readDigits(ByteBuf in, int at) {
        if (at + DIGITS > in.writerIndex()) {
            return -1;
        }
        // Two 8-byte reads and three single ones: every delivery of a run comes through here, and
        // each ByteBuf accessor checks bounds and liveness.
        long v = digits(in.getLong(at), 0);
        v = digits(in.getLong(at + 8), v);
        for (int i = 16; i < DIGITS && v >= 0; i++) {
            int d = in.getByte(at + i) - '0';
            v = d < 0 || d > 9 ? -1 : v * 10 + d;
        }
        return v;
    }

    /** {@code v} followed by the eight ASCII digits of {@code word} (big-endian), or -1 if one is not a digit. */
    private static long digits(long word, long v) {
        if (v < 0) {
            return -1;
        }
        for (int shift = 56; shift >= 0; shift -= 8) {
            int d = (int) (word >>> shift & 0xFF) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    static int indexOf(ByteBuf buf, byte[] needle) {
        int end = buf.writerIndex() - needle.length;
        outer:
        for (int i = buf.readerIndex(); i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

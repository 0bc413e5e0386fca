package ca.metered.realtime.protocol.frame;

import java.util.Arrays;

/**
 * One encoded text frame made of slices of arrays it shares with other frames, written out
 * slice by slice instead of being copied into an array of its own first. A large room's
 * snapshot (docs/protocol.md 2.3) is the channel's encoded roster around the joiner's own entry
 * ({@link PresenceMembers#presenceSlices}): at 10,000 members each is about half a megabyte, and
 * copying each into its own array was most of what a join storm allocated.
 *
 * <p>Immutable (the arrays are never written in the ranges it reads); thread-safe.
 */
public final class FrameSlices {
    /** Receives the slices in order: {@code length} bytes of {@code array} from {@code offset}. */
    @FunctionalInterface
    public interface Sink {
        void write(byte[] array, int offset, int length);
    }

    private final byte[][] arrays;
    private final int[] offsets;
    private final int[] lengths;
    private final int length;

    private FrameSlices(byte[][] arrays, int[] offsets, int[] lengths, int length) {
        this.arrays = arrays;
        this.offsets = offsets;
        this.lengths = lengths;
        this.length = length;
    }

    /** Collects slices, in order. Not thread-safe. */
    static final class Builder {
        private byte[][] arrays = new byte[6][];
        private int[] offsets = new int[6];
        private int[] lengths = new int[6];
        private int count;
        private int length;

        Builder add(byte[] array) {
            return add(array, 0, array.length);
        }

        Builder add(byte[] array, int offset, int len) {
            if (offset < 0 || len < 0 || offset + len > array.length) {
                throw new IndexOutOfBoundsException("slice " + offset + "+" + len + " of " + array.length);
            }
            if (len == 0) {
                return this;
            }
            if (count == arrays.length) {
                arrays = Arrays.copyOf(arrays, count * 2);
                offsets = Arrays.copyOf(offsets, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            arrays[count] = array;
            offsets[count] = offset;
            lengths[count] = len;
            count++;
            length += len;
            return this;
        }

        /** Drops the last byte of what was added (the last slice's, or the one before if that is empty). */
        Builder dropLast() {
            if (count == 0) {
                throw new IllegalStateException("nothing to drop");
            }
            length--;
            if (--lengths[count - 1] == 0) {
                count--;
            }
            return this;
        }

        FrameSlices build() {
            return new FrameSlices(Arrays.copyOf(arrays, count), Arrays.copyOf(offsets, count),
                    Arrays.copyOf(lengths, count), length);
        }
    }

    /** Bytes of the frame's payload. */
    public int length() {
        return length;
    }

    /** Hands the slices to {@code sink}, in order. */
    public void writeTo(Sink sink) {
        for (int i = 0; i < arrays.length; i++) {
            sink.write(arrays[i], offsets[i], lengths[i]);
        }
    }

    /** The frame as one array of its own (a copy). */
    public byte[] toBytes() {
        byte[] out = new byte[length];
        int[] at = {0};
        writeTo((a, off, len) -> {
            System.arraycopy(a, off, out, at[0], len);
            at[0] += len;
        });
        return out;
    }
}

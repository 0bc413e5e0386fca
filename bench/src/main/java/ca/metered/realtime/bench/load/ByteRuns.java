package ca.metered.realtime.bench.load;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte-range comparison eight bytes at a time, for the room generator's id checks (100 M of them
 * in a room of 10,000). {@code Arrays.equals(byte[], int, int, byte[], int, int)} compares with
 * one intrinsic that only C2 has; the generator runs C1 only (scripts/bench-vs-nats.sh), where
 * that is a loop of byte reads. A byte-array view reads one {@code long} per eight bytes under
 * either compiler; the result is the same as {@code Arrays.equals} on the two ranges.
 *
 * <p>Stateless and thread-safe.
 */
final class ByteRuns {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteRuns() {
    }

    /**
     * Whether {@code a[aFrom, aFrom+length)} and {@code b[bFrom, bFrom+length)} hold the same bytes.
     *
     * @throws IndexOutOfBoundsException if a range is not inside its array
     */
    static boolean equal(byte[] a, int aFrom, byte[] b, int bFrom, int length) {
        if (length < Long.BYTES) {
            java.util.Objects.checkFromIndexSize(aFrom, length, a.length);
            java.util.Objects.checkFromIndexSize(bFrom, length, b.length);
            for (int i = 0; i < length; i++) {
                if (a[aFrom + i] != b[bFrom + i]) {
                    return false;
                }
            }
            return true;
        }
        int last = length - Long.BYTES;
        for (int i = 0; i < last; i += Long.BYTES) {
            if ((long) LONGS.get(a, aFrom + i) != (long) LONGS.get(b, bFrom + i)) {
                return false;
            }
        }
        // The last eight bytes, overlapping the words before when the length is not a multiple
        // of eight: no byte-by-byte tail.
        return (long) LONGS.get(a, aFrom + last) == (long) LONGS.get(b, bFrom + last);
    }
}

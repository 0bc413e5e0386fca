package ca.metered.realtime.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByteRunsTest {
    /** {@code length} bytes at {@code from} of an array with unrelated bytes around them. */
    private static byte[] run(int from, int length, int seed) {
        byte[] b = new byte[from + length + 11];
        Arrays.fill(b, (byte) 0x5a);
        for (int i = 0; i < length; i++) {
            b[from + i] = (byte) ('0' + (i * 7 + seed) % 75);
        }
        return b;
    }

    @Test
    void equalRangesAreEqualAtEveryLengthAndOffset() {
        for (int length = 0; length <= 40; length++) {
            for (int aFrom = 0; aFrom < 9; aFrom++) {
                int bFrom = (aFrom * 5 + 3) % 13;
                byte[] a = run(aFrom, length, 1);
                byte[] b = run(bFrom, length, 1);
                assertThat(ByteRuns.equal(a, aFrom, b, bFrom, length))
                        .as("length %d at %d/%d", length, aFrom, bFrom).isTrue();
                assertThat(ByteRuns.equal(a, aFrom, b, bFrom, length))
                        .isEqualTo(Arrays.equals(a, aFrom, aFrom + length, b, bFrom, bFrom + length));
            }
        }
    }

    @Test
    void aDifferenceInAnyOnePositionIsSeen() {
        // Lengths below, at and around multiples of eight (the overlapping last word).
        for (int length : new int[] {1, 5, 7, 8, 9, 15, 16, 17, 23, 24, 31, 36, 40}) {
            for (int at = 0; at < length; at++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] a = run(3, length, 2);
                    byte[] b = run(6, length, 2);
                    b[6 + at] ^= (byte) (1 << bit);
                    assertThat(ByteRuns.equal(a, 3, b, 6, length))
                            .as("length %d, byte %d, bit %d", length, at, bit).isFalse();
                    assertThat(ByteRuns.equal(b, 6, a, 3, length)).isFalse();
                }
            }
        }
    }

    @Test
    void bytesOutsideTheRangesDoNotCount() {
        byte[] a = run(2, 13, 4);
        byte[] b = run(2, 13, 4);
        a[1] = 1;
        a[15] = 2;
        b[1] = 3;
        b[15] = 4;
        assertThat(ByteRuns.equal(a, 2, b, 2, 13)).isTrue();
    }

    @Test
    void aRangeOutsideItsArrayThrows() {
        byte[] a = new byte[12];
        byte[] b = new byte[12];
        assertThatThrownBy(() -> ByteRuns.equal(a, 5, b, 0, 8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ByteRuns.equal(a, 0, b, 6, 7)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ByteRuns.equal(a, 0, b, 10, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}

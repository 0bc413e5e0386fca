package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesPerFailureWithinHalfToFullOfTheBase() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(42));
        for (int failure = 1; failure <= 8; failure++) {
            long base = 1000L << (failure - 1);
            for (int i = 0; i < 200; i++) {
                assertThat(b.after(failure).toMillis()).as("failure %d", failure).isBetween(base / 2, base);
            }
        }
    }

    @Test
    void isCappedAtTheMaximumEvenAfterManyFailures() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(7));
        for (int failure : new int[] {6, 10, 63, 64, 1000, Integer.MAX_VALUE}) {
            assertThat(b.after(failure)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(1));
        assertThat(java.util.stream.IntStream.range(0, 50).mapToObj(i -> b.after(4)).distinct().count())
                .isGreaterThan(40);
    }
}

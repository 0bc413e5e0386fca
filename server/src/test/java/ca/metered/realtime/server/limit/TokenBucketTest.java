package ca.metered.realtime.server.limit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsTheBurstThenRefusesUntilTimeRefills() {
        TokenBucket b = new TokenBucket(100, 200, 0);
        for (int i = 0; i < 200; i++) {
            assertThat(b.tryTake(0)).as("take %d", i).isTrue();
        }
        assertThat(b.tryTake(0)).isFalse();
        assertThat(b.tryTake(SECOND / 100)).isTrue(); // 10 ms refills one token at 100/s
        assertThat(b.tryTake(SECOND / 100)).isFalse();
    }

    @Test
    void sustainedRateAtTheLimitNeverRunsDry() {
        TokenBucket b = new TokenBucket(100, 200, 0);
        for (int i = 1; i <= 10_000; i++) {
            assertThat(b.tryTake(i * (SECOND / 100))).isTrue();
        }
    }

    @Test
    void refillIsCappedAtTheBurst() {
        TokenBucket b = new TokenBucket(100, 5, 0);
        long later = 3600 * SECOND;
        for (int i = 0; i < 5; i++) {
            assertThat(b.tryTake(later)).isTrue();
        }
        assertThat(b.tryTake(later)).isFalse();
    }
}

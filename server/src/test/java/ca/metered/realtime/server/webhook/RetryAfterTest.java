package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void readsSecondsAndHttpDates() {
        assertThat(RetryAfter.parse("120", clock)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", clock)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("Wed, 01 Jan 2025 00:00:30 GMT", clock)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Tue, 31 Dec 2024 23:59:00 GMT", clock)).as("in the past").contains(Duration.ZERO);
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertThat(RetryAfter.parse(null, clock)).isEmpty();
        assertThat(RetryAfter.parse("", clock)).isEmpty();
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
        assertThat(RetryAfter.parse("-5", clock)).isEmpty();
        assertThat(RetryAfter.parse("1.5", clock)).isEmpty();
    }

    @Test
    void capsAtOneHour() {
        assertThat(RetryAfter.parse("86400", clock)).contains(RetryAfter.MAX);
        assertThat(RetryAfter.parse("99999999999999999999", clock)).contains(RetryAfter.MAX);
        assertThat(RetryAfter.parse("Thu, 02 Jan 2025 00:00:00 GMT", clock)).contains(RetryAfter.MAX);
    }
}

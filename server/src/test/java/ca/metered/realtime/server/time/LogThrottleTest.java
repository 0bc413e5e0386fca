package ca.metered.realtime.server.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A failure storm is one log line per period, each after the first with the count skipped. */
class LogThrottleTest {
    @Test
    void theFirstIsLoggedThenOneAPeriodWithHowManyWereSkipped() {
        AtomicLong now = new AtomicLong(-5); // nanoTime may be negative
        LogThrottle t = new LogThrottle(TimeUnit.SECONDS.toNanos(10), now::get);
        assertThat(t.occurred()).isZero();
        int logged = 0;
        for (int i = 0; i < 999; i++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(9)); // 9 s in all
            if (t.occurred() >= 0) {
                logged++;
            }
        }
        assertThat(logged).isZero();
        now.set(-5 + TimeUnit.SECONDS.toNanos(10)); // a period after the first line
        assertThat(t.occurred()).isEqualTo(999);
        assertThat(t.occurred()).isEqualTo(-1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertThat(t.occurred()).isEqualTo(1);
    }
}

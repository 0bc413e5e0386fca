package ca.metered.realtime.server.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QueuedBytesTest {

    @Test
    void oneWalkServesEveryReadWithinItsAgeAndANewWalkFollowsIt() {
        AtomicLong now = new AtomicLong(1_000);
        AtomicInteger walks = new AtomicInteger();
        QueuedBytes.Cached cached = new QueuedBytes.Cached(
                () -> new QueuedBytes(100L * walks.incrementAndGet(), walks.get()), now::get, 50);

        assertThat(cached.get()).isEqualTo(new QueuedBytes(100, 1));
        now.addAndGet(49);
        assertThat(cached.get()).isEqualTo(new QueuedBytes(100, 1));
        assertThat(walks).hasValue(1);

        now.addAndGet(1);
        assertThat(cached.get()).isEqualTo(new QueuedBytes(200, 2));
        assertThat(walks).hasValue(2);
    }
}

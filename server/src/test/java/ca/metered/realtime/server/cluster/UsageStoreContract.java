package ca.metered.realtime.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every {@link UsageStore} must do; run against each implementation. */
abstract class UsageStoreContract {
    final BackplaneFixture cluster = fixture(Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC));

    abstract BackplaneFixture fixture(Clock clock);

    @AfterEach
    void close() {
        cluster.close();
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> s) {
        return s.toCompletableFuture().join();
    }

    @Test
    void concurrentConnectionsAreCappedOverAllNodesAndReleased() {
        UsageStore u1 = cluster.node("n1", new RecordingInbound()).usage();
        UsageStore u2 = cluster.node("n2", new RecordingInbound()).usage();
        assertThat(join(u1.tryOpenConnection("app", "a", 2))).isTrue();
        assertThat(join(u2.tryOpenConnection("app", "b", 2))).isTrue();
        assertThat(join(u1.tryOpenConnection("app", "c", 2))).isFalse();
        join(u2.closeConnection("app", "b"));
        assertThat(join(u1.tryOpenConnection("app", "c", 2))).isTrue();
        UsageStore.Usage now = join(u2.usage("app"));
        assertThat(now.concurrentNow()).isEqualTo(2);
        assertThat(now.peakConcurrent()).isEqualTo(2);
        assertThat(join(u2.connectionsOf("app", "a"))).isEqualTo(1);
        assertThat(join(u2.connectionsOf("app", "b"))).isZero();
        assertThat(join(u1.tryOpenConnection("other", "x", 1))).isTrue(); // apps are counted apart
    }

    @Test
    void messageQuotaCountsAttemptsOverAllNodesIncludingRefusedOnes() {
        UsageStore u1 = cluster.node("n1", new RecordingInbound()).usage();
        UsageStore u2 = cluster.node("n2", new RecordingInbound()).usage();
        assertThat(join(u1.countMessage("app", 2))).isTrue();
        assertThat(join(u2.countMessage("app", 2))).isTrue();
        assertThat(join(u1.countMessage("app", 2))).isFalse();
        assertThat(join(u2.countMessage("app", 0))).isTrue(); // 0 = unlimited
        // An unlimited count may travel with the node's next command: its own reads include it.
        UsageStore.Usage u = join(u2.usage("app"));
        assertThat(u.messagesUsed()).isEqualTo(4);
        assertThat(u.periodStartUnix()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z").getEpochSecond());
        assertThat(u.periodEndUnix()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z").getEpochSecond());
    }

    @Test
    void messagesCountInTheMonthTheClockIsInAcrossTheMonthsEnd() {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-30T23:59:59Z"));
        BackplaneFixture own = fixture(clock);
        try {
            UsageStore u = own.node("n1", new RecordingInbound()).usage();
            assertThat(join(u.countMessage("app", 0))).isTrue();
            assertThat(join(u.countMessage("app", 0))).isTrue();
            assertThat(join(u.usage("app")).messagesUsed()).isEqualTo(2);
            clock.now = Instant.parse("2026-12-01T00:00:00Z");
            assertThat(join(u.countMessage("app", 0))).isTrue();
            assertThat(join(u.countMessage("app", 2))).isTrue(); // the quota counts December only
            UsageStore.Usage december = join(u.usage("app"));
            assertThat(december.periodStartUnix()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z").getEpochSecond());
            assertThat(december.messagesUsed()).isEqualTo(2);
        } finally {
            own.close();
        }
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

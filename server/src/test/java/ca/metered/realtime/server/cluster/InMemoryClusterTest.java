package ca.metered.realtime.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.hub.Hub;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryClusterTest {

    @Test
    void concurrentConnectionsAreCappedAndReleased() {
        UsageStore usage = new InMemoryCluster(Clock.systemUTC()).join("n1", new Hub(List.of("a"))).usage();
        assertThat(usage.tryOpenConnection("a", 2)).isTrue();
        assertThat(usage.tryOpenConnection("a", 2)).isTrue();
        assertThat(usage.tryOpenConnection("a", 2)).isFalse();
        usage.closeConnection("a");
        assertThat(usage.tryOpenConnection("a", 2)).isTrue();
        assertThat(usage.usage("a").peakConcurrent()).isEqualTo(2);
        assertThat(usage.tryOpenConnection("b", 1)).isTrue(); // apps are counted apart
    }

    @Test
    void messageQuotaCountsAttemptsIncludingRefusedOnes() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
        UsageStore usage = new InMemoryCluster(clock).join("n1", new Hub(List.of("a"))).usage();
        assertThat(usage.countMessage("a", 2)).isTrue();
        assertThat(usage.countMessage("a", 2)).isTrue();
        assertThat(usage.countMessage("a", 2)).isFalse();
        assertThat(usage.countMessage("a", 0)).isTrue(); // 0 = unlimited
        UsageStore.Usage u = usage.usage("a");
        assertThat(u.messagesUsed()).isEqualTo(4);
        assertThat(u.periodStartUnix()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z").getEpochSecond());
        assertThat(u.periodEndUnix()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z").getEpochSecond());
    }
}

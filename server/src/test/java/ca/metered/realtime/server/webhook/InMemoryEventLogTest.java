package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.time.ManualScheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InMemoryEventLogTest extends EventLogContract {
    private final ManualScheduler scheduler = new ManualScheduler();

    @Override
    protected EventLog log(int node) {
        return new InMemoryEventLog(scheduler);
    }

    @Override
    protected boolean shared() {
        return false;
    }

    @Test
    void aWaitingReadWithNothingToReadEndsEmptyAfterItsWait() {
        CompletableFuture<Map<String, List<Logged>>> waiting =
                a.read(Map.of("app", EventLog.START), 10, Duration.ofSeconds(1)).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(999));
        assertThat(waiting).isNotDone();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(waiting).isCompletedWithValue(Map.of());
    }

    @Test
    void closingAnswersWaitingReads() {
        CompletableFuture<Map<String, List<Logged>>> waiting =
                a.read(Map.of("app", EventLog.START), 10, Duration.ofMinutes(1)).toCompletableFuture();
        a.close();
        assertThat(waiting).isCompletedWithValue(Map.of());
    }
}

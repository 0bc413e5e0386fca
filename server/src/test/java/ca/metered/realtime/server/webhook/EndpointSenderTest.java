package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.server.config.WebhookConfig;
import ca.metered.realtime.server.config.WebhookEventType;
import ca.metered.realtime.server.config.WebhookSettings;
import ca.metered.realtime.server.time.ManualScheduler;
import ca.metered.realtime.server.webhook.EndpointSender.State;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelOccupied;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EndpointSenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_0123456789abcdef";
    private static final WebhookConfig HOOK = new WebhookConfig(URI.create("http://receiver.test/hooks"), SECRET,
            EnumSet.allOf(WebhookEventType.class), List.<ChannelPattern>of());

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakePoster poster = new FakePoster();
    private final List<String> delivered = new ArrayList<>();
    private final List<String> gaveUp = new ArrayList<>();
    private final EndpointStats stats = new EndpointStats("demo", HOOK.url().toString());
    private int seq;

    private static WebhookSettings settings(int maxAttempts, int queueSize, int batchSize, Duration batchDelay) {
        return new WebhookSettings(Duration.ofSeconds(3), Duration.ofSeconds(5), maxAttempts, Duration.ofSeconds(1),
                Duration.ofSeconds(60), queueSize, batchSize, batchDelay);
    }

    private EndpointSender sender(WebhookSettings s) {
        return new EndpointSender("demo", HOOK, s, poster, scheduler, new Random(3), stats, (events, ok) ->
                events.forEach(e -> (ok ? delivered : gaveUp).add(e.id())));
    }

    private Logged event() {
        seq++;
        return new Logged("1-" + seq, 1000 + seq, new ChannelOccupied("room-" + seq));
    }

    private static List<String> ids(FakePoster.Request r) throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).get("events").forEach(e -> out.add(e.get("id").asText()));
        return out;
    }

    @Test
    void aBurstWithinTheBatchDelayLeavesInOnePost() throws Exception {
        EndpointSender s = sender(settings(3, 100, 10, Duration.ofMillis(50)));
        s.offer(event());
        scheduler.advance(Duration.ofMillis(30));
        s.offer(event());
        s.offer(event());
        assertThat(poster.count()).as("still gathering").isZero();
        scheduler.advance(Duration.ofMillis(20));
        assertThat(poster.count()).isEqualTo(1);
        assertThat(ids(poster.last())).containsExactly("1-1", "1-2", "1-3");
        JsonNode body = JSON.readTree(poster.last().body());
        assertThat(body.get("appId").asText()).isEqualTo("demo");
        assertThat(poster.last().headers().get("X-Rms-Webhook-Id")).isEqualTo(body.get("id").asText());
        assertThat(new Signature(SECRET).verify(poster.last().body(), poster.last().headers().get("X-Rms-Signature")))
                .isTrue();
        assertThat(stats.queueDepth()).isEqualTo(3);
        poster.last().answer(204);
        assertThat(delivered).containsExactly("1-1", "1-2", "1-3");
        assertThat(stats.delivered()).isEqualTo(3);
        assertThat(stats.queueDepth()).isZero();
        assertThat(s.state()).isEqualTo(State.IDLE);
    }

    @Test
    void aFullBatchLeavesAtOnceAndOnePostIsOnItsWayAtATime() throws Exception {
        EndpointSender s = sender(settings(3, 100, 2, Duration.ofSeconds(10)));
        for (int i = 0; i < 5; i++) {
            s.offer(event());
        }
        assertThat(poster.count()).as("the batch filled up: no waiting for the delay").isEqualTo(1);
        assertThat(ids(poster.last())).containsExactly("1-1", "1-2");
        poster.last().answer(200);
        assertThat(poster.count()).as("what queued meanwhile goes next, without a delay").isEqualTo(2);
        assertThat(ids(poster.last())).containsExactly("1-3", "1-4");
        poster.last().answer(200);
        assertThat(ids(poster.last())).containsExactly("1-5");
        poster.last().answer(200);
        assertThat(delivered).containsExactly("1-1", "1-2", "1-3", "1-4", "1-5");
        assertThat(stats.requests()).isEqualTo(3);
    }

    @Test
    void aFailedPostIsRetriedWithTheSameBytesAfterAGrowingBackoff() {
        EndpointSender s = sender(settings(5, 100, 10, Duration.ZERO));
        s.offer(event());
        FakePoster.Request first = poster.last();
        first.answer(500);
        assertThat(s.state()).isEqualTo(State.BACKING_OFF);
        assertThat(stats.failedAttempts()).isEqualTo(1);
        assertThat(stats.lastProblem()).isEqualTo("HTTP 500");
        scheduler.advance(Duration.ofMillis(499));
        assertThat(poster.count()).as("not before half the first delay (1 s with jitter)").isEqualTo(1);
        scheduler.advance(Duration.ofMillis(501));
        assertThat(poster.count()).isEqualTo(2);
        FakePoster.Request second = poster.last();
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers()).isEqualTo(first.headers());
        second.noAnswer();
        scheduler.advance(Duration.ofMillis(999));
        assertThat(poster.count()).as("the second delay is at least 1 s (2 s with jitter)").isEqualTo(2);
        scheduler.advance(Duration.ofMillis(1001));
        assertThat(poster.count()).isEqualTo(3);
        poster.last().answer(200);
        assertThat(delivered).containsExactly("1-1");
        assertThat(stats.delivered()).isEqualTo(1);
        assertThat(stats.failedAttempts()).isEqualTo(2);
    }

    @Test
    void retryAfterIsHonouredWhenLongerThanTheBackoff() {
        EndpointSender s = sender(settings(5, 100, 10, Duration.ZERO));
        s.offer(event());
        poster.last().answer(503, "30");
        scheduler.advance(Duration.ofSeconds(29));
        assertThat(poster.count()).isEqualTo(1);
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(poster.count()).isEqualTo(2);
        poster.last().answer(429, "0");
        scheduler.advance(Duration.ofMillis(999));
        assertThat(poster.count()).as("a shorter Retry-After does not beat the backoff").isEqualTo(2);
        scheduler.advance(Duration.ofMillis(1001));
        assertThat(poster.count()).isEqualTo(3);
    }

    @Test
    void aRedirectIsAFailureNotAForward() {
        EndpointSender s = sender(settings(2, 100, 10, Duration.ZERO));
        s.offer(event());
        poster.last().answer(302);
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(poster.requests()).extracting(FakePoster.Request::url).containsOnly(HOOK.url());
        poster.last().answer(301);
        assertThat(gaveUp).containsExactly("1-1");
    }

    @Test
    void aBatchIsGivenUpAfterMaxAttemptsAndTheNextOneGoes() {
        EndpointSender s = sender(settings(3, 100, 1, Duration.ZERO));
        s.offer(event());
        s.offer(event());
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(poster.count()).isEqualTo(attempt);
            poster.last().answer(500);
            scheduler.advance(Duration.ofSeconds(10));
        }
        assertThat(gaveUp).containsExactly("1-1");
        assertThat(stats.gaveUp()).isEqualTo(1);
        assertThat(poster.count()).as("the next batch went right after").isEqualTo(4);
        poster.last().answer(200);
        assertThat(delivered).containsExactly("1-2");
    }

    @Test
    void aFullQueueDropsNewEventsAndCountsThemWithoutWaiting() {
        EndpointSender s = sender(settings(3, 5, 2, Duration.ZERO));
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            if (s.offer(event())) {
                accepted++;
            }
        }
        // Without a batch delay the first event left alone at once; five more wait behind it.
        assertThat(accepted).isEqualTo(6);
        assertThat(stats.overflowed()).isEqualTo(14);
        assertThat(stats.queueDepth()).isEqualTo(6);
        assertThat(poster.open()).hasSize(1);
    }

    @Test
    void aStoppedSenderSendsAndReportsNothingMore() {
        EndpointSender s = sender(settings(3, 100, 10, Duration.ZERO));
        s.offer(event());
        FakePoster.Request inFlight = poster.last();
        s.stop();
        inFlight.answer(200);
        assertThat(delivered).as("the next reader of the log delivers it again").isEmpty();
        assertThat(s.offer(event())).isFalse();
        scheduler.advance(Duration.ofMinutes(5));
        assertThat(poster.count()).isEqualTo(1);
        assertThat(s.state()).isEqualTo(State.STOPPED);
    }

    @Test
    void deliveryIdsDifferPerBatch() throws Exception {
        EndpointSender s = sender(settings(3, 100, 1, Duration.ZERO));
        s.offer(event());
        s.offer(event());
        poster.last().answer(200);
        poster.last().answer(200);
        assertThat(poster.requests()).extracting(r -> r.headers().get("X-Rms-Webhook-Id")).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("dlv_[0-9a-f]{32}"));
    }
}

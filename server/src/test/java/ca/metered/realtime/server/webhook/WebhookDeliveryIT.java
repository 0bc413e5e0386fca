package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ConfigLoader;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.transport.WheelScheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookReceiver.Answer;
import ca.metered.realtime.server.webhook.WebhookReceiver.Received;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery over real HTTP: the service with the JDK client against a receiver started by the
 * test (a node alone, in-memory log). The whole server's events are in {@code WebhooksIT}.
 */
class WebhookDeliveryIT {
    private static final String SECRET = "whsec_0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final WheelScheduler scheduler = new WheelScheduler();
    private final WebhookReceiver receiver = WebhookReceiver.start();
    private WebhookService service;

    private WebhookService start(String settings, String... urls) throws Exception {
        StringBuilder yaml = new StringBuilder("webhooks: {" + settings + "}\napps:\n  - id: demo\n    webhooks:\n");
        for (String url : urls) {
            yaml.append("      - {url: '").append(url).append("', secret: ").append(SECRET)
                    .append(", events: [peer.connected]}\n");
        }
        ServerConfig config = ConfigLoader.parse(yaml.toString(), Map.of());
        service = WebhookService.create(config, new InMemoryEventLog(scheduler), scheduler, Duration.ofSeconds(10),
                "rms-test");
        service.start();
        return service;
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close(Duration.ZERO);
        }
        receiver.close();
        scheduler.close();
    }

    private static boolean signed(Received r) {
        return new Signature(SECRET).verify(r.body(), r.header("X-Rms-Signature"));
    }

    @Test
    void aReceiverThatAnswers500Then200GetsTheSameDeliveryAgain() throws Exception {
        receiver.thenAnswer(Answer.status(500));
        start("retryMinDelay: 100ms, batchDelay: 0ms", receiver.url("/hooks").toString());
        service.emit("demo", new PeerConnected("alice", "n1-1", null));
        List<Received> got = receiver.awaitRequests(2, WAIT);
        assertThat(got).hasSize(2);
        assertThat(got.get(1).body()).isEqualTo(got.get(0).body());
        assertThat(got.get(1).header("X-Rms-Webhook-Id")).isEqualTo(got.get(0).header("X-Rms-Webhook-Id"))
                .isEqualTo(got.get(0).json().get("id").asText());
        assertThat(got).allMatch(WebhookDeliveryIT::signed);
        assertThat(got.get(0).header("Content-Type")).isEqualTo("application/json");
        assertThat(got.get(0).header("User-Agent")).isEqualTo("rms-test");
        EndpointStats stats = service.endpointStats().get(0);
        awaitTrue(() -> stats.delivered() == 1);
        assertThat(stats.failedAttempts()).isEqualTo(1);
        assertThat(stats.lastProblem()).isEqualTo("HTTP 500");
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        receiver.thenAnswer(Answer.retryAfter(503, "2"));
        start("retryMinDelay: 10ms, retryMaxDelay: 20ms, batchDelay: 0ms", receiver.url("/hooks").toString());
        service.emit("demo", new PeerConnected("alice", "n1-1", null));
        List<Received> got = receiver.awaitRequests(2, WAIT);
        // The backoff alone would retry after at most 20 ms; the receiver asked for 2 s.
        assertThat(Duration.ofNanos(got.get(1).atNanos() - got.get(0).atNanos()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        try (WebhookReceiver elsewhere = WebhookReceiver.start()) {
            receiver.otherwise(Answer.redirect(307, elsewhere.url("/stolen")));
            start("retryMinDelay: 10ms, maxAttempts: 2, batchDelay: 0ms", receiver.url("/hooks").toString());
            service.emit("demo", new PeerConnected("alice", "n1-1", null));
            EndpointStats stats = service.endpointStats().get(0);
            awaitTrue(() -> stats.gaveUp() == 1);
            assertThat(receiver.received()).hasSize(2);
            assertThat(stats.lastProblem()).isEqualTo("HTTP 307");
            assertThat(elsewhere.received()).isEmpty();
        }
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutAndItsQueueStaysBounded() throws Exception {
        receiver.otherwise(Answer.hang());
        start("timeout: 300ms, retryMinDelay: 10ms, retryMaxDelay: 50ms, maxAttempts: 3, queueSize: 50, "
                + "batchSize: 10, batchDelay: 0ms", receiver.url("/hooks").toString());
        for (int i = 0; i < 5_000; i++) {
            service.emit("demo", new PeerConnected("p" + i, "n1-" + i, null));
        }
        EndpointStats stats = service.endpointStats().get(0);
        // Every emit returned while the receiver held the first request: nothing waited for it.
        // Each event is accounted for: dropped by the full log, overflowed, queued, or given up.
        awaitTrue(() -> service.dropped("demo") + stats.overflowed() + stats.queueDepth() + stats.delivered()
                + stats.gaveUp() == 5_000);
        assertThat(stats.queueDepth()).isLessThanOrEqualTo(50 + 10);
        assertThat(service.dropped("demo") + stats.overflowed()).isGreaterThanOrEqualTo(5_000 - 60 - stats.gaveUp());
        awaitTrue(() -> stats.failedAttempts() >= 3);
        assertThat(stats.lastProblem()).isEqualTo("no answer within 300 ms");
        assertThat(stats.delivered()).isZero();
        awaitTrue(() -> stats.gaveUp() >= 1);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(10);
        }
    }
}

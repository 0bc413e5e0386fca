package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.webhook.EndpointStats;
import ca.metered.realtime.server.webhook.Signature;
import ca.metered.realtime.server.webhook.WebhookReceiver;
import ca.metered.realtime.server.webhook.WebhookReceiver.Answer;
import ca.metered.realtime.server.webhook.WebhookReceiver.Received;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks of a whole node alone (docs/webhooks.md): real WebSocket clients and REST calls make
 * things happen, a receiver started by the test gets them over real HTTP.
 */
class WebhooksIT {
    static final String SECRET = "whsec_0123456789abcdef";
    static final Duration WAIT = Duration.ofSeconds(20);

    private final WebhookReceiver receiver = WebhookReceiver.start();
    private final List<AutoCloseable> open = new ArrayList<>();
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        receiver.close();
    }

    /** The one-app configuration with generous limits, the delivery settings and the app's webhooks. */
    static String yaml(String settings, String webhooks) {
        return "webhooks: {" + settings + "}\n"
                + TestServer.singleApp("", "messageRate: 100000\nmessageBurst: 100000")
                + "    webhooks:\n" + webhooks.stripIndent().indent(6);
    }

    static String endpoint(String url, String events, String channels) {
        return "- url: '" + url + "'\n  secret: " + SECRET + "\n  events: [" + events + "]\n"
                + (channels == null ? "" : "  channels: [" + channels + "]\n");
    }

    static final String ALL = "peer.connected, peer.disconnected, channel.occupied, channel.vacated, "
            + "presence.joined, presence.left, message.published";

    private TestServer start(String yaml) {
        server = TestServer.start(yaml);
        return server;
    }

    private WsClient client(String peerId, String extraJson) {
        WsClient c = server.tokenClient(server.token(peerId, extraJson));
        open.add(c);
        return c;
    }

    static String show(JsonNode e) {
        String type = e.path("type").asText();
        return switch (type) {
            case "peer.connected" -> type + ":" + e.path("peerId").asText();
            case "peer.disconnected" -> type + ":" + e.path("peerId").asText() + ":" + e.path("code").asInt();
            case "presence.joined", "presence.left" -> type + ":" + e.path("channel").asText() + ":"
                    + e.path("peerId").asText();
            case "message.published" -> type + ":" + e.path("channel").asText() + ":" + e.path("from").asText();
            default -> type + ":" + e.path("channel").asText();
        };
    }

    static List<String> shown(List<JsonNode> events) {
        return events.stream().map(WebhooksIT::show).toList();
    }

    static JsonNode first(List<JsonNode> events, String shown) {
        return events.stream().filter(e -> show(e).equals(shown)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + shown + " in " + shown(events)));
    }

    static Predicate<List<JsonNode>> has(String... shown) {
        return events -> shown(events).containsAll(List.of(shown));
    }

    static boolean signed(Received r) {
        return new Signature(SECRET).verify(r.body(), r.header("X-Rms-Signature"));
    }

    @Test
    void everyEventTypeArrivesWithItsFieldsSignedAndInOrder() throws Exception {
        start(yaml("flapGrace: 0, batchDelay: 10ms", endpoint(receiver.url("/hooks").toString(), ALL, null)));
        WsClient alice = client("alice", "\"peerMetadata\":{\"name\":\"Alice\"}");
        alice.subscribe("room");
        alice.sendJson("type", "publish", "channel", "room", "data", java.util.Map.of("n", 1), "requestId", "p1");
        alice.expect("ack");
        assertThat(server.rest("POST", "/v1/channels/room/publish", TestServer.BEARER, "{\"data\":\"from rest\"}")
                .statusCode()).isEqualTo(200);
        assertThat(alice.expect("message").path("data").asText()).isEqualTo("from rest");
        alice.sendJson("type", "unsubscribe", "channel", "room", "requestId", "u1");
        alice.expect("ack");
        alice.closeWith(4321);

        List<JsonNode> events = receiver.awaitEvents(WAIT, has("peer.disconnected:alice:4321"));
        assertThat(shown(events)).containsExactly(
                "peer.connected:alice",
                "channel.occupied:room",
                "presence.joined:room:alice",
                "message.published:room:alice",
                "message.published:room:server",
                "presence.left:room:alice",
                "channel.vacated:room",
                "peer.disconnected:alice:4321");
        JsonNode connected = events.get(0);
        assertThat(connected.path("metadata").toString()).isEqualTo("{\"name\":\"Alice\"}");
        assertThat(connected.path("connectionId").asText()).isNotBlank();
        assertThat(events.get(2).path("metadata").toString()).isEqualTo("{\"name\":\"Alice\"}");
        assertThat(events.get(3).path("data").toString()).isEqualTo("{\"n\":1}");
        assertThat(events.get(3).path("fromMetadata").toString()).isEqualTo("{\"name\":\"Alice\"}");
        assertThat(events.get(4).path("data").asText()).isEqualTo("from rest");
        assertThat(events.get(5).has("metadata")).isFalse();
        JsonNode gone = events.get(7);
        assertThat(gone.path("connectionId").asText()).isEqualTo(connected.path("connectionId").asText());
        assertThat(gone.path("reason").asText()).isEmpty();
        assertThat(events).extracting(e -> e.path("id").asText()).doesNotHaveDuplicates();
        long now = System.currentTimeMillis();
        assertThat(events).allSatisfy(e -> assertThat(e.path("time").asLong()).isBetween(now - 60_000, now));
        for (Received r : receiver.received()) {
            assertThat(signed(r)).as("signature of %s", r.text()).isTrue();
            JsonNode body = r.json();
            assertThat(body.path("appId").asText()).isEqualTo("demo");
            assertThat(r.header("X-Rms-Webhook-Id")).isEqualTo(body.path("id").asText());
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
        }
    }

    @Test
    void theCloseCodeSaysHowAConnectionEnded() throws Exception {
        start(yaml("batchDelay: 10ms", endpoint(receiver.url("/hooks").toString(),
                "peer.connected, peer.disconnected", null)));
        client("polite", "").closeWith(1000);
        WsClient kicked = client("kicked", "");
        assertThat(server.rest("DELETE", "/v1/peers/kicked", TestServer.BEARER, null).statusCode()).isEqualTo(200);
        assertThat(kicked.awaitClose().code()).isEqualTo(4020);
        WsClient dropped = client("dropped", "");
        receiver.awaitEvents(WAIT, has("peer.connected:dropped"));
        dropped.abort();
        List<JsonNode> events = receiver.awaitEvents(WAIT, has("peer.disconnected:polite:1000",
                "peer.disconnected:kicked:4020", "peer.disconnected:dropped:1006"));
        assertThat(first(events, "peer.disconnected:kicked:4020").path("reason").asText()).isEqualTo("admin disconnect");
    }

    @Test
    void endpointsGetOnlyTheEventsAndChannelsTheyListed() throws Exception {
        WebhookReceiver news = WebhookReceiver.start();
        open.add(news);
        start(yaml("batchDelay: 10ms, flapGrace: 0",
                endpoint(receiver.url("/rooms").toString(), "channel.occupied", "\"room-*\"")
                        + endpoint(news.url("/news").toString(), "message.published", "\"news/**\"")));
        WsClient c = client("reader", "");
        c.subscribe("lobby");
        c.subscribe("room-1");
        c.subscribe("news/today");
        for (String channel : new String[] {"lobby", "room-1", "news/today"}) {
            c.sendJson("type", "publish", "channel", channel, "data", 1, "requestId", "p-" + channel);
            c.expect("ack");
        }
        c.closeWith(1000);
        // Something every endpoint is told last, so nothing else can still be on its way.
        receiver.awaitEvents(WAIT, has("channel.occupied:room-1"));
        news.awaitEvents(WAIT, has("message.published:news/today:reader"));
        server.close();
        server = null;
        assertThat(shown(receiver.events())).containsExactly("channel.occupied:room-1");
        assertThat(shown(news.events())).containsExactly("message.published:news/today:reader");
    }

    @Test
    void aFlappingPeerProducesNoVacatedOccupiedPairNorLeftJoinedPair() throws Exception {
        start(yaml("batchDelay: 10ms, flapGrace: 2s", endpoint(receiver.url("/hooks").toString(), ALL, null)));
        WsClient first = client("flappy", "");
        first.subscribe("room");
        receiver.awaitEvents(WAIT, has("presence.joined:room:flappy"));
        first.abort();
        WsClient second = client("flappy", "");
        second.subscribe("room");
        receiver.awaitEvents(WAIT, has("peer.disconnected:flappy:1006"));
        second.closeWith(1000);
        List<JsonNode> events = receiver.awaitEvents(WAIT, has("channel.vacated:room", "presence.left:room:flappy",
                "peer.disconnected:flappy:1000"));
        // The reconnect's pair cancelled out; the final leave came after the grace.
        assertThat(shown(events)).filteredOn(s -> s.startsWith("channel.") || s.startsWith("presence."))
                .containsExactly("channel.occupied:room", "presence.joined:room:flappy", "presence.left:room:flappy",
                        "channel.vacated:room");
        assertThat(shown(events)).filteredOn(s -> s.startsWith("peer.")).containsExactlyInAnyOrder(
                "peer.connected:flappy", "peer.disconnected:flappy:1006", "peer.connected:flappy",
                "peer.disconnected:flappy:1000");
    }

    @Test
    void aReceiverThatNeverAnswersDoesNotSlowPublishingAndItsQueueStaysBounded() throws Exception {
        receiver.otherwise(Answer.hang());
        start(yaml("timeout: 2s, maxAttempts: 2, retryMinDelay: 100ms, queueSize: 100, batchSize: 10, batchDelay: 0ms",
                endpoint(receiver.url("/hooks").toString(), "message.published", null)));
        WsClient publisher = client("publisher", "");
        WsClient subscriber = client("subscriber", "");
        subscriber.subscribe("firehose");
        // The first publication's POST is held by the receiver from now on.
        publisher.sendJson("type", "publish", "channel", "firehose", "data", -1, "requestId", "first");
        publisher.expect("ack");
        subscriber.expect("message");
        receiver.awaitRequests(1, WAIT);
        int n = 5_000;
        // Every publish is acked and delivered while the receiver holds the webhook's request:
        // publishing never waits for the webhook.
        for (int i = 0; i < n; i++) {
            publisher.sendJson("type", "publish", "channel", "firehose", "data", i, "requestId", "p" + i);
        }
        for (int i = 0; i < n; i++) {
            JsonNode ack = publisher.expect("ack");
            assertThat(ack.path("requestId").asText()).isEqualTo("p" + i);
        }
        for (int i = 0; i < n; i++) {
            assertThat(subscriber.expect("message").path("data").asInt()).isEqualTo(i);
        }
        assertThat(receiver.hanging()).as("the receiver still holds a request").isPositive();
        EndpointStats stats = server.server().webhookStats().get(0);
        // Every event is accounted for (the read loop is asynchronous): dropped when the app's
        // event log was full (the reader lags a burst), or handed to the endpoint's sender and
        // then queued, dropped as overflow, or given up after its attempts — none is delivered.
        LongSupplier accounted = () -> server.server().webhookDropped("demo") + stats.overflowed() + stats.gaveUp()
                + stats.queueDepth();
        long deadline = System.nanoTime() + WAIT.toNanos();
        // The held POST times out after 2 s (the webhooks' timeout) and counts as a failure.
        while ((accounted.getAsLong() < n + 1L || stats.failedAttempts() == 0) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        assertThat(accounted.getAsLong()).isEqualTo(n + 1L);
        assertThat(stats.delivered()).isZero();
        assertThat(stats.queueDepth()).as("queue bounded").isLessThanOrEqualTo(100 + 10);
        assertThat(stats.overflowed() + server.server().webhookDropped("demo")).as("overflow counted")
                .isGreaterThanOrEqualTo(n + 1L - 110 - stats.gaveUp());
        assertThat(stats.lastProblem()).contains("2000 ms");
    }

    @Test
    void aStoppingNodeDeliversTheDisconnectsOfItsConnections() throws Exception {
        start(yaml("batchDelay: 10ms", endpoint(receiver.url("/hooks").toString(), "peer.connected, peer.disconnected",
                null)));
        client("a", "");
        client("b", "");
        receiver.awaitEvents(WAIT, has("peer.connected:a", "peer.connected:b"));
        server.close();
        server = null;
        assertThat(shown(receiver.events())).contains("peer.disconnected:a:1001", "peer.disconnected:b:1001");
    }

    @Test
    void metricsAndTheAdminShowDeliveriesFailuresAndQueueDepthPerEndpoint() throws Exception {
        receiver.thenAnswer(Answer.status(500));
        start(yaml("batchDelay: 10ms, retryMinDelay: 50ms", endpoint(receiver.url("/hooks?token=t0ps3cret").toString(),
                "peer.connected", null)) + "admin:\n  username: ops\n  password: correct-horse-battery\n");
        client("counted", "");
        receiver.awaitEvents(WAIT, has("peer.connected:counted"));
        receiver.awaitRequests(2, WAIT); // the 500, then the retry answered 200
        String labels = "{app=\"demo\",endpoint=\"" + receiver.url("/hooks") + "\"}";
        // The counters move when the answer is read, a moment after the receiver saw the request.
        String scrape = awaitScrape(s -> s.contains("rms_webhook_events_delivered_total" + labels + " 1.0"));
        assertThat(scrape).contains("rms_webhook_requests_total" + labels + " 2.0",
                "rms_webhook_failures_total" + labels + " 1.0",
                "rms_webhook_events_given_up_total" + labels + " 0.0",
                "rms_webhook_events_overflowed_total" + labels + " 0.0",
                "rms_webhook_queue_depth" + labels + " 0.0",
                "rms_webhook_events_dropped_total{app=\"demo\"} 0.0");
        assertThat(scrape).doesNotContain("t0ps3cret");

        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                "ops:correct-horse-battery".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.net.http.HttpResponse<String> apps = server.rest("GET", "/admin/api/apps", basic, null);
        assertThat(apps.statusCode()).isEqualTo(200);
        assertThat(apps.body()).doesNotContain("t0ps3cret");
        JsonNode hook = new com.fasterxml.jackson.databind.ObjectMapper().readTree(apps.body())
                .path("apps").get(0).path("webhooks").get(0);
        assertThat(hook.path("endpoint").asText()).isEqualTo(receiver.url("/hooks").toString());
        assertThat(hook.path("delivered").asLong()).isEqualTo(1);
        assertThat(hook.path("requests").asLong()).isEqualTo(2);
        assertThat(hook.path("failures").asLong()).isEqualTo(1);
        assertThat(hook.path("givenUp").asLong()).isZero();
        assertThat(hook.path("overflowed").asLong()).isZero();
        assertThat(hook.path("queueDepth").asInt()).isZero();
        assertThat(hook.path("lastProblem").asText()).isEqualTo("HTTP 500");
    }

    private String awaitScrape(Predicate<String> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = server.rest("GET", "/metrics", null, null).body();
            if (condition.test(body)) {
                return body;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        throw new AssertionError("the scrape never satisfied the condition:\n" + body);
    }

    @Test
    void aPublishRetriedUnderItsIdempotencyKeyIsOneMessagePublished() throws Exception {
        start("webhooks: {batchDelay: 10ms}\n" + TestServer.singleApp("", "") + """
                    history:
                      - channels: ["feed/**"]
                        size: 10
                        ttl: 10m
                    webhooks:
                      - url: '%s'
                        secret: %s
                        events: [message.published]
                """.formatted(receiver.url("/hooks"), SECRET));
        WsClient alice = client("alice", "");
        for (String requestId : new String[] {"p1", "p2"}) { // the same key twice: a retry
            alice.sendJson("type", "publish", "channel", "feed/a", "data", "keyed", "idempotencyKey", "k-1",
                    "requestId", requestId);
            assertThat(alice.expect("ack").path("offset").asLong()).isEqualTo(1);
        }
        alice.sendJson("type", "publish", "channel", "feed/a", "data", "last", "requestId", "p3");
        assertThat(alice.expect("ack").path("offset").asLong()).isEqualTo(2);
        receiver.awaitEvents(WAIT, events -> events.stream().anyMatch(e -> e.path("data").asText().equals("last")));
        server.close();
        server = null;
        assertThat(receiver.events()).extracting(e -> e.path("data").asText()).containsExactly("keyed", "last");
    }
}

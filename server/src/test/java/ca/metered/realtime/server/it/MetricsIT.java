package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.metrics.Metric;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} over real sockets: the access rule, the names, and values that follow what clients do. */
class MetricsIT {
    static final String TOKEN = "scrape-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> get(URI uri, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + uri + " failed", e);
        }
    }

    static String scrape(TestServer server) {
        HttpResponse<String> r = get(server.httpUri("/metrics"), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The value of the sample whose line starts with {@code series} (name and labels), 0 if absent. */
    static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    static Set<String> names(String scrape) {
        return scrape.lines().filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
    }

    static void await(String what, DoubleSupplier actual, double expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        double last = actual.getAsDouble();
        while (last != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": expected " + expected + " but was " + last);
            }
            Thread.onSpinWait();
            last = actual.getAsDouble();
        }
    }

    @Test
    void loopbackClientsReadTheScrapeWithoutCredentialsAndEveryCataloguedNameIsThere() {
        try (TestServer server = TestServer.start()) {
            HttpResponse<String> r = get(server.httpUri("/metrics"), Map.of());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
            // Every name of the catalogue that exists before any traffic (counters with labels
            // from traffic appear once counted; they are checked in the next test).
            assertThat(names(r.body())).contains("rms_connections", "rms_messages_received_total",
                    "rms_messages_delivered_total", "rms_closes_total", "rms_build_info", "rms_outbound_queue_bytes",
                    "rms_outbound_offheap_bytes", "rms_outbound_offheap_limit_bytes", "rms_outbound_offheap_sheds_total",
                    "rms_jvm_memory_used_bytes", "rms_process_cpu_usage");
            assertThat(names(r.body())).allMatch(n -> n.startsWith("rms_"));
            assertThat(r.body()).contains("rms_connections{app=\"demo\"} 0", "rms_connections{app=\"other\"} 0");

            HttpResponse<String> om = get(server.httpUri("/metrics"),
                    Map.of("Accept", "application/openmetrics-text;version=1.0.0"));
            assertThat(om.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
            assertThat(om.body()).endsWith("# EOF\n");
        }
    }

    @Test
    void valuesFollowWhatClientsDo() {
        try (TestServer server = TestServer.start()) {
            String received = "rms_messages_received_total{app=\"demo\",source=\"websocket\"}";
            String delivered = "rms_messages_delivered_total{app=\"demo\"}";
            try (WsClient alice = server.client(); WsClient bob = server.client(); WsClient carol = server.client()) {
                await("connections", () -> value(scrape(server), "rms_connections{app=\"demo\"}"), 3);
                alice.subscribe("room-1");
                bob.subscribe("room-1");
                carol.subscribe("room-1");
                await("subscriptions", () -> value(scrape(server), "rms_subscriptions{app=\"demo\"}"), 3);
                assertThat(value(scrape(server), "rms_channels{app=\"demo\"}")).isEqualTo(1);
                for (int i = 0; i < 5; i++) {
                    alice.sendJson("type", "publish", "channel", "room-1", "data", Map.of("n", i), "requestId", "p" + i);
                    alice.skipUntil("ack");
                }
                bob.skipUntil("message");
                await("received", () -> value(scrape(server), received), 5);
                await("delivered (5 messages x 2 other subscribers)", () -> value(scrape(server), delivered), 10);
                String s = scrape(server);
                assertThat(value(s, "rms_fanout_recipients_count{app=\"demo\"}")).isEqualTo(5);
                assertThat(value(s, "rms_fanout_recipients_sum{app=\"demo\"}")).isEqualTo(10);
                assertThat(value(s, "rms_messages_received_bytes_total{app=\"demo\"}")).isEqualTo(5 * "{\"n\":0}".length());
                assertThat(value(s, "rms_backplane_publish_duration_seconds_count{backplane=\"memory\"}")).isEqualTo(5);

                alice.sendJson("type", "subscribe", "channel", "_system/x", "requestId", "bad");
                assertThat(alice.skipUntil("error").path("code").asText()).isEqualTo("channel_reserved");
                await("errors", () -> value(scrape(server), "rms_errors_total{code=\"channel_reserved\"}"), 1);

                server.rest("POST", "/v1/channels/room-1/publish", TestServer.BEARER, "{\"data\":{\"x\":1}}");
                await("REST received", () -> value(scrape(server),
                        "rms_messages_received_total{app=\"demo\",source=\"rest\"}"), 1);
                assertThat(value(scrape(server), "rms_rest_requests_total{method=\"POST\","
                        + "route=\"/v1/channels/{channel}/publish\",status=\"200\"}")).isEqualTo(1);
                server.rest("GET", "/v1/usage", "Bearer sk_id_demo:wrong", null);
                await("REST auth failure", () -> value(scrape(server), "rms_auth_failures_total{reason=\"rest_unauthorized\"}"), 1);

                alice.closeWith(1000);
                await("closes 1000", () -> value(scrape(server), "rms_closes_total{code=\"1000\"}"), 1);
                await("connections after a close", () -> value(scrape(server), "rms_connections{app=\"demo\"}"), 2);
            }
            try (WsClient off = WsClient.connect(server.keyUri("pk_live_off"))) {
                assertThat(off.awaitClose().code()).isEqualTo(4012);
            }
            await("auth failures of a disabled app", () -> value(scrape(server),
                    "rms_auth_failures_total{reason=\"app_disabled\"}"), 1);
            await("closes 4012", () -> value(scrape(server), "rms_closes_total{code=\"4012\"}"), 1);
            await("every connection gone", () -> value(scrape(server), "rms_connections{app=\"demo\"}"), 0);
        }
    }

    @Test
    void behindATrustedProxyOutsideClientsNeedTheBearerToken() {
        // The test client is on loopback, a trusted proxy by default: what it forwards is the client.
        Map<String, String> outside = Map.of("X-Forwarded-For", "203.0.113.9");
        try (TestServer noToken = TestServer.start()) {
            HttpResponse<String> r = get(noToken.httpUri("/metrics"), outside);
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("\"error\":\"forbidden\"", "metrics.bearerToken");
        }
        String yaml = TestServer.DEFAULT_YAML + "metrics:\n  bearerToken: " + TOKEN + "\n";
        try (TestServer server = TestServer.start(yaml)) {
            HttpResponse<String> none = get(server.httpUri("/metrics"), outside);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"rms metrics\"");
            HttpResponse<String> wrong = get(server.httpUri("/metrics"),
                    Map.of("X-Forwarded-For", "203.0.113.9", "Authorization", "Bearer not-the-token-000000"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            HttpResponse<String> right = get(server.httpUri("/metrics"),
                    Map.of("X-Forwarded-For", "203.0.113.9", "Authorization", "Bearer " + TOKEN));
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(right.body()).contains("rms_connections{app=\"demo\"}");
            assertThat(get(server.httpUri("/metrics"), Map.of()).statusCode()).as("loopback itself").isEqualTo(200);
        }
    }

    @Test
    void aSeparateMetricsPortTakesTheScrapeOffTheMainPort() {
        String yaml = TestServer.DEFAULT_YAML + "metrics:\n  port: 0\n";
        try (TestServer server = TestServer.start(yaml)) {
            int port = server.server().metricsPort().orElseThrow();
            HttpResponse<String> r = get(URI.create("http://127.0.0.1:" + port + "/metrics"), Map.of());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("rms_connections{app=\"demo\"} 0");
            assertThat(get(URI.create("http://127.0.0.1:" + port + "/v1"), Map.of()).statusCode()).isEqualTo(404);
            assertThat(get(server.httpUri("/metrics"), Map.of()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theCatalogueNamesAreTheOnesDocumented() throws Exception {
        String docs = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "operations.md"));
        List<String> missing = Arrays.stream(Metric.values()).map(Metric::prometheusName)
                .filter(n -> !docs.contains("`" + n + "`")).toList();
        assertThat(missing).as("metrics missing from docs/operations.md").isEmpty();
    }
}

package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in {@code dist/grafana/} queries only metric names a live server exposes:
 * every {@code rms_…} name in every panel's expressions and every variable's query is a sample
 * name of a real scrape (after some traffic, so that counters with labels have samples).
 */
class GrafanaDashboardIT {
    private static final Pattern METRIC = Pattern.compile("\\brms_[a-z0-9_]+");

    @Test
    void everyMetricTheDashboardQueriesExistsInALiveScrape() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("..", "dist", "grafana",
                "rms-dashboard.json")));
        Set<String> queried = new TreeSet<>();
        collect(dashboard, queried);
        assertThat(queried).as("names found in the dashboard").hasSizeGreaterThan(20)
                .contains("rms_connections", "rms_messages_received_total", "rms_messages_delivered_total",
                        "rms_closes_total");

        try (TestServer server = TestServer.start()) {
            try (WsClient alice = server.client(); WsClient bob = server.client()) {
                alice.subscribe("room-1");
                bob.subscribe("room-1");
                alice.sendJson("type", "publish", "channel", "room-1", "data", Map.of("n", 1), "requestId", "p1");
                alice.skipUntil("ack");
                bob.skipUntil("message");
                server.rest("GET", "/v1/usage", TestServer.BEARER, null);
                alice.closeWith(1000);
            }
            // GC pause series appear with the server's first collection (seconds into any real
            // run); the in-process server shares this JVM, so ask for one and wait for it.
            System.gc();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            Set<String> exposed = MetricsIT.names(MetricsIT.scrape(server));
            while (!exposed.contains("rms_jvm_gc_pause_seconds_count") && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling the scrape for an asynchronous JMX notification, with a deadline
                exposed = MetricsIT.names(MetricsIT.scrape(server));
            }
            Set<String> missing = new TreeSet<>(queried);
            missing.removeAll(exposed);
            assertThat(missing).as("queried by the dashboard but not in /metrics").isEmpty();
        }
    }

    private static void collect(JsonNode node, Set<String> out) {
        if (node.isTextual()) {
            Matcher m = METRIC.matcher(node.textValue());
            while (m.find()) {
                out.add(m.group());
            }
        }
        node.forEach(child -> collect(child, out)); // array elements and object values
    }
}

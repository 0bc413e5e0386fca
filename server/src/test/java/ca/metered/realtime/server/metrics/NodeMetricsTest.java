package ca.metered.realtime.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.server.session.OutboundBudget;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {

    /** The sample names of a text-format scrape (the part before '{' or ' '). */
    static Set<String> sampleNames(String scrape) {
        return scrape.lines().filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
    }

    /** The value of the one sample whose line starts with {@code prefix}. */
    static double value(String scrape, String prefix) {
        List<String> lines = scrape.lines().filter(l -> l.startsWith(prefix)).toList();
        assertThat(lines).as("samples starting with %s", prefix).hasSize(1);
        String line = lines.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Test
    void everyCataloguedMetricIsScrapedUnderItsDocumentedNameOnceUsed() {
        NodeMetrics metrics = new NodeMetrics("1.2.3");
        AppMeters app = metrics.app("demo");
        app.connectionOpened();
        app.subscribed();
        app.received(false, 10);
        app.fannedOut(3, 120);
        app.presenceDelta(true);
        metrics.error(ErrorCode.CHANNEL_NOT_AUTHORIZED);
        metrics.closed(4012);
        metrics.slowConsumer();
        metrics.authFailure("invalid_token");
        metrics.restRequest("/v1/channels/{channel}/publish", "POST", 200, 1_000_000);
        metrics.backplanePublish(false).record(java.time.Duration.ofMillis(1));
        metrics.backplaneError(true, "publish");
        metrics.configReload(true);
        metrics.adminAction("kick");
        metrics.gauge(Metric.OUTBOUND_QUEUE_BYTES, () -> 0);
        metrics.gauge(Metric.OUTBOUND_QUEUE_MAX_BYTES, () -> 0);
        new OutboundBudget(1 << 20).register(metrics);
        for (Metric m : List.of(Metric.WEBHOOK_EVENTS_DELIVERED, Metric.WEBHOOK_REQUESTS, Metric.WEBHOOK_FAILURES,
                Metric.WEBHOOK_EVENTS_GIVEN_UP, Metric.WEBHOOK_EVENTS_OVERFLOWED)) {
            metrics.counter(m, this, t -> 0, "app", "demo", "endpoint", "https://backend.example.com/rms");
        }
        metrics.gauge(Metric.WEBHOOK_QUEUE_DEPTH, this, t -> 0, "app", "demo", "endpoint", "https://backend.example.com/rms");
        metrics.counter(Metric.WEBHOOK_EVENTS_DROPPED, this, t -> 0, "app", "demo");

        Set<String> names = sampleNames(metrics.scrape(null).body());
        List<String> expected = Arrays.stream(Metric.values()).flatMap(m -> m.sampleNames().stream()).toList();
        assertThat(names).containsAll(expected);
        assertThat(names).contains("rms_connections", "rms_messages_received_total", "rms_messages_delivered_total",
                "rms_closes_total");
    }

    @Test
    void valuesFollowWhatWasCounted() {
        NodeMetrics metrics = new NodeMetrics("1.2.3");
        AppMeters app = metrics.app("demo");
        app.connectionOpened();
        app.connectionOpened();
        app.connectionClosed();
        app.received(false, 10);
        app.received(true, 5);
        app.fannedOut(3, 120);
        metrics.closed(4012);
        metrics.closed(4012);
        String scrape = metrics.scrape(null).body();

        assertThat(value(scrape, "rms_connections{app=\"demo\"}")).isEqualTo(1);
        assertThat(value(scrape, "rms_connections_opened_total{app=\"demo\"}")).isEqualTo(2);
        assertThat(value(scrape, "rms_messages_received_total{app=\"demo\",source=\"websocket\"}")).isEqualTo(1);
        assertThat(value(scrape, "rms_messages_received_total{app=\"demo\",source=\"rest\"}")).isEqualTo(1);
        assertThat(value(scrape, "rms_messages_received_bytes_total{app=\"demo\"}")).isEqualTo(15);
        assertThat(value(scrape, "rms_messages_delivered_total{app=\"demo\"}")).isEqualTo(3);
        assertThat(value(scrape, "rms_messages_delivered_bytes_total{app=\"demo\"}")).isEqualTo(120);
        assertThat(value(scrape, "rms_fanout_recipients_sum{app=\"demo\"}")).isEqualTo(3);
        assertThat(value(scrape, "rms_closes_total{code=\"4012\"}")).isEqualTo(2);
        assertThat(value(scrape, "rms_build_info{version=\"1.2.3\"}")).isEqualTo(1);
        assertThat(metrics.sum(Metric.MESSAGES_RECEIVED)).isEqualTo(2);
    }

    @Test
    void closeCodesAClientMakesUpShareOneLabel() {
        NodeMetrics metrics = new NodeMetrics("x");
        for (int code = 4100; code < 4200; code++) {
            metrics.closed(code);
        }
        metrics.closed(1006);
        String scrape = metrics.scrape(null).body();
        assertThat(value(scrape, "rms_closes_total{code=\"other\"}")).isEqualTo(100);
        assertThat(value(scrape, "rms_closes_total{code=\"1006\"}")).isEqualTo(1);
        assertThat(scrape).doesNotContain("code=\"4150\"");
    }

    @Test
    void jvmAndProcessMetersArePrefixedToo() {
        Set<String> names = sampleNames(new NodeMetrics("x").scrape(null).body());
        assertThat(names).contains("rms_jvm_memory_used_bytes", "rms_jvm_threads_live_threads", "rms_process_cpu_usage",
                "rms_process_uptime_seconds");
        assertThat(names).allMatch(n -> n.startsWith("rms_"));
    }

    @Test
    void openMetricsIsServedWhenAsked() {
        NodeMetrics metrics = new NodeMetrics("x");
        NodeMetrics.Scrape om = metrics.scrape("application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
        assertThat(om.contentType()).startsWith("application/openmetrics-text");
        assertThat(om.body()).endsWith("# EOF\n");
        assertThat(metrics.scrape("text/plain").contentType()).startsWith("text/plain; version=0.0.4");
    }

    @Test
    void aRemovedAppLeavesTheScrape() {
        NodeMetrics metrics = new NodeMetrics("x");
        metrics.app("gone").connectionOpened();
        assertThat(metrics.scrape(null).body()).contains("app=\"gone\"");
        metrics.removeApp("gone");
        assertThat(metrics.scrape(null).body()).doesNotContain("app=\"gone\"");
    }
}

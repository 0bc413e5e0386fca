package ca.metered.realtime.server;

import ca.metered.realtime.server.admin.AdminBackend;
import ca.metered.realtime.server.metrics.Metric;
import ca.metered.realtime.server.metrics.NodeMetrics;
import ca.metered.realtime.server.webhook.EndpointStats;
import ca.metered.realtime.server.webhook.Webhooks;
import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Exposes the webhooks' counters of this node in {@code /metrics} (docs/operations.md
 * "Metrics", docs/webhooks.md "Watching it"): per endpoint deliveries, requests, failures,
 * events given up or overflowed and the queue depth; per app the events dropped before any
 * endpoint. Read at scrape time from the counters the webhooks keep anyway; the admin
 * dashboard's apps page reads the same counters.
 *
 * <p>Registered once at start: webhooks follow the configuration the node started with.
 */
final class WebhookMetering {
    private WebhookMetering() {
    }

    static void register(NodeMetrics metrics, Webhooks webhooks) {
        Set<String> apps = new LinkedHashSet<>();
        Set<String> labels = new HashSet<>();
        for (EndpointStats s : webhooks.endpointStats()) {
            String label = label(s.url());
            for (int n = 2; !labels.add(s.appId() + ' ' + label); n++) {
                label = label(s.url()) + " (" + n + ")"; // two URLs of one app that differ only in their query
            }
            String[] tags = {"app", s.appId(), "endpoint", label};
            metrics.counter(Metric.WEBHOOK_EVENTS_DELIVERED, s, EndpointStats::delivered, tags);
            metrics.counter(Metric.WEBHOOK_REQUESTS, s, EndpointStats::requests, tags);
            metrics.counter(Metric.WEBHOOK_FAILURES, s, EndpointStats::failedAttempts, tags);
            metrics.counter(Metric.WEBHOOK_EVENTS_GIVEN_UP, s, EndpointStats::gaveUp, tags);
            metrics.counter(Metric.WEBHOOK_EVENTS_OVERFLOWED, s, EndpointStats::overflowed, tags);
            metrics.gauge(Metric.WEBHOOK_QUEUE_DEPTH, s, EndpointStats::queueDepth, tags);
            apps.add(s.appId());
        }
        for (String app : apps) {
            metrics.counter(Metric.WEBHOOK_EVENTS_DROPPED, webhooks, w -> w.dropped(app), "app", app);
        }
    }

    /** The app's endpoints and their counters on this node, for the admin dashboard. */
    static List<AdminBackend.WebhookEndpoint> endpoints(Webhooks webhooks, String appId) {
        return webhooks.endpointStats().stream().filter(s -> s.appId().equals(appId))
                .map(s -> new AdminBackend.WebhookEndpoint(label(s.url()), s.delivered(), s.requests(),
                        s.failedAttempts(), s.gaveUp(), s.overflowed(), s.queueDepth(), s.lastProblem()))
                .toList();
    }

    /**
     * The endpoint as a label: scheme, host, port and path, without the query (which may carry
     * a receiver's token).
     */
    static String label(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath());
    }
}

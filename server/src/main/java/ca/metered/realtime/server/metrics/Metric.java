package ca.metered.realtime.server.metrics;

import java.util.List;
import java.util.Locale;

/**
 * The catalogue of rms's own metrics: every name {@code GET /metrics} exposes besides the JVM,
 * process and Netty meters (which get the same {@code rms_} prefix, see {@link NodeMetrics}).
 * Operators' dashboards and alerts rely on these names (the Grafana dashboard in
 * {@code dist/grafana/} uses exactly them; docs/operations.md lists them), so a name here is
 * never renamed, only added.
 *
 * <p>Each constant carries its Micrometer name (dotted), its type, its tag keys and its help
 * text; {@link #prometheusName()} is the name as scraped. Label values are bounded: apps come
 * from the configuration, codes from the protocol's enums, routes are templates.
 */
public enum Metric {
    CONNECTIONS("rms.connections", Type.GAUGE, List.of("app"),
            "WebSocket connections open on this node"),
    CONNECTIONS_OPENED("rms.connections.opened", Type.COUNTER, List.of("app"),
            "WebSocket connections accepted (welcome sent) on this node"),
    SUBSCRIPTIONS("rms.subscriptions", Type.GAUGE, List.of("app"),
            "subscriptions (connection x channel or pattern) held on this node"),
    CHANNELS("rms.channels", Type.GAUGE, List.of("app"),
            "channels with at least one subscriber on this node"),
    MESSAGES_RECEIVED("rms.messages.received", Type.COUNTER, List.of("app", "source"),
            "publish and send messages accepted from clients (source websocket or rest)"),
    MESSAGES_RECEIVED_BYTES("rms.messages.received.bytes", Type.COUNTER, List.of("app"),
            "payload bytes (the data JSON) of the messages received"),
    MESSAGES_DELIVERED("rms.messages.delivered", Type.COUNTER, List.of("app"),
            "message and direct frames queued to connections on this node (one per recipient)"),
    MESSAGES_DELIVERED_BYTES("rms.messages.delivered.bytes", Type.COUNTER, List.of("app"),
            "bytes of the message and direct frames queued to connections on this node"),
    FANOUT_RECIPIENTS("rms.fanout.recipients", Type.SUMMARY, List.of("app"),
            "local recipients per message fanned out on this node"),
    PRESENCE_DELTAS("rms.presence.deltas", Type.COUNTER, List.of("app", "action"),
            "presence deltas (joined, left) this node delivered to its subscribers"),
    ERRORS("rms.errors", Type.COUNTER, List.of("code"),
            "error frames sent to WebSocket clients, by error code"),
    CLOSES("rms.closes", Type.COUNTER, List.of("code"),
            "WebSocket connections closed, by close code (1006: no close frame)"),
    SLOW_CONSUMER_CLOSES("rms.slow.consumer.closes", Type.COUNTER, List.of(),
            "connections closed 1008 as slow consumers: outbound queue over server.outboundBufferBytes, or shed at the off-heap ceiling"),
    AUTH_FAILURES("rms.auth.failures", Type.COUNTER, List.of("reason"),
            "refused credentials: WebSocket handshakes and REST requests, by reason"),
    REST_REQUESTS("rms.rest.requests", Type.COUNTER, List.of("route", "method", "status"),
            "REST requests answered, by route template, method and HTTP status"),
    REST_DURATION("rms.rest.request.duration", Type.TIMER, List.of("route"),
            "time to answer a REST request, by route template"),
    OUTBOUND_QUEUE_BYTES("rms.outbound.queue.bytes", Type.GAUGE, List.of(),
            "bytes queued for all connections and not yet written to their sockets"),
    OUTBOUND_QUEUE_MAX_BYTES("rms.outbound.queue.max.bytes", Type.GAUGE, List.of(),
            "the largest single connection's outbound queue"),
    OUTBOUND_OFFHEAP_BYTES("rms.outbound.offheap.bytes", Type.GAUGE, List.of(),
            "outbound bytes handed to Netty (off-heap) and not yet written, all connections: the budget's use"),
    OUTBOUND_OFFHEAP_PEAK_BYTES("rms.outbound.offheap.peak.bytes", Type.GAUGE, List.of(),
            "the most rms_outbound_offheap_bytes has been since the start"),
    OUTBOUND_OFFHEAP_LIMIT_BYTES("rms.outbound.offheap.limit.bytes", Type.GAUGE, List.of(),
            "the off-heap ceiling for outbound bytes (server.directMemoryBytes, or its default)"),
    OUTBOUND_OFFHEAP_SHEDS("rms.outbound.offheap.sheds", Type.COUNTER, List.of(),
            "connections closed 1008 because the off-heap ceiling was reached (also counted in rms_slow_consumer_closes_total)"),
    BACKPLANE_PUBLISH_DURATION("rms.backplane.publish.duration", Type.TIMER, List.of("backplane"),
            "time for the backplane (memory or redis) to take a publication"),
    BACKPLANE_ERRORS("rms.backplane.errors", Type.COUNTER, List.of("backplane", "operation"),
            "backplane operations that failed (publish, presence, usage, control)"),
    CONFIG_RELOADS("rms.config.reloads", Type.COUNTER, List.of("result"),
            "configuration reloads, applied or refused"),
    ADMIN_ACTIONS("rms.admin.actions", Type.COUNTER, List.of("action"),
            "admin dashboard and API actions (each also written to the audit log)"),
    WEBHOOK_EVENTS_DELIVERED("rms.webhook.events.delivered", Type.COUNTER, List.of("app", "endpoint"),
            "webhook events this node delivered to an endpoint (answered 2xx)"),
    WEBHOOK_REQUESTS("rms.webhook.requests", Type.COUNTER, List.of("app", "endpoint"),
            "webhook POSTs this node sent to an endpoint, retries included"),
    WEBHOOK_FAILURES("rms.webhook.failures", Type.COUNTER, List.of("app", "endpoint"),
            "webhook POSTs that failed (no answer in time, or not 2xx)"),
    WEBHOOK_EVENTS_GIVEN_UP("rms.webhook.events.given.up", Type.COUNTER, List.of("app", "endpoint"),
            "webhook events given up after their last attempt failed"),
    WEBHOOK_EVENTS_OVERFLOWED("rms.webhook.events.overflowed", Type.COUNTER, List.of("app", "endpoint"),
            "webhook events dropped because the endpoint's queue was full"),
    WEBHOOK_QUEUE_DEPTH("rms.webhook.queue.depth", Type.GAUGE, List.of("app", "endpoint"),
            "webhook events waiting for an endpoint on this node, or in the POST on its way"),
    WEBHOOK_EVENTS_DROPPED("rms.webhook.events.dropped", Type.COUNTER, List.of("app"),
            "webhook events dropped before any endpoint: the app's event log was full or unreachable"),
    BUILD_INFO("rms.build.info", Type.GAUGE, List.of("version"),
            "always 1; the version label is the running rms version");

    /** How a metric is exposed. */
    public enum Type {
        /** One sample: {@code name}. */
        GAUGE,
        /** One sample: {@code name_total}. */
        COUNTER,
        /** {@code name_seconds_count}, {@code _sum}, {@code _max} and {@code _bucket}. */
        TIMER,
        /** {@code name_count}, {@code _sum}, {@code _max}. */
        SUMMARY
    }

    private final String meterName;
    private final Type type;
    private final List<String> tags;
    private final String help;

    Metric(String meterName, Type type, List<String> tags, String help) {
        this.meterName = meterName;
        this.type = type;
        this.tags = tags;
        this.help = help;
    }

    /** The Micrometer name, e.g. {@code rms.messages.received}. */
    public String meterName() {
        return meterName;
    }

    public Type type() {
        return type;
    }

    /** Tag (label) keys, in the order the docs list them. */
    public List<String> tags() {
        return tags;
    }

    public String help() {
        return help;
    }

    /** The family name as scraped, e.g. {@code rms_messages_received_total} or {@code rms_connections}. */
    public String prometheusName() {
        String base = meterName.replace('.', '_').toLowerCase(Locale.ROOT);
        return switch (type) {
            case GAUGE, SUMMARY -> base;
            case COUNTER -> base + "_total";
            case TIMER -> base + "_seconds";
        };
    }

    /** Every sample name this metric produces in a scrape. */
    public List<String> sampleNames() {
        String name = prometheusName();
        return switch (type) {
            case GAUGE, COUNTER -> List.of(name);
            case SUMMARY -> List.of(name + "_count", name + "_sum", name + "_max");
            case TIMER -> List.of(name + "_count", name + "_sum", name + "_max", name + "_bucket");
        };
    }
}

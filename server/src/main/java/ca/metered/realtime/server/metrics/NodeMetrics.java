package ca.metered.realtime.server.metrics;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one rms node and the Prometheus registry that exposes them ({@code GET /metrics}).
 * Every meter's name starts with {@code rms_}: rms's own ({@link Metric}) and the standard JVM,
 * process and Netty ones, which are prefixed here ({@code rms_jvm_memory_used_bytes}).
 *
 * <p>Counting is cheap: meters are created once (per app in {@link AppMeters}, per error and
 * close code in maps filled up front) and the hot paths only increment. Label values are
 * bounded: a close code a client chose that the protocol does not name counts as
 * {@code other}.
 *
 * <p>Thread-safe.
 */
public final class NodeMetrics implements AutoCloseable {
    /** Buckets of the latency histograms (backplane publish, REST), for {@code histogram_quantile}. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(5)};
    /** Reasons of {@code rms_auth_failures_total}, registered at start so every series exists from the first scrape. */
    public static final List<String> AUTH_FAILURE_REASONS = List.of("invalid_token", "token_expired", "app_disabled",
            "origin_not_allowed", "rest_unauthorized", "admin_login");
    /** Operations of {@code rms_backplane_errors_total}. */
    public static final List<String> BACKPLANE_OPERATIONS = List.of("publish", "direct", "presence", "usage", "control");
    /** Actions of {@code rms_admin_actions_total}. */
    public static final List<String> ADMIN_ACTIONS = List.of("login", "logout", "kick", "token.mint", "config.reload");
    /** Close codes counted under their own label: the protocol's, and RFC 6455's the server sees. */
    private static final Set<Integer> RFC_CLOSE_CODES = Set.of(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008,
            1009, 1010, 1011);

    private final PrometheusMeterRegistry registry;
    private final Map<String, AppMeters> apps = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> backplaneErrors = new ConcurrentHashMap<>();
    private final Map<String, Counter> restRequests = new ConcurrentHashMap<>();
    private final Map<String, Timer> restDurations = new ConcurrentHashMap<>();
    private final Map<String, Counter> adminActions = new ConcurrentHashMap<>();
    private final Counter slowConsumerCloses;
    private final Counter reloadsApplied;
    private final Counter reloadsRefused;
    private final Timer memoryPublish;
    private final Timer redisPublish;
    private final JvmGcMetrics gc;

    /**
     * A registry with the JVM and process meters bound.
     *
     * @param version the running version, exposed as {@code rms_build_info{version=…} 1}
     */
    public NodeMetrics(String version) {
        this(version, true);
    }

    /**
     * @param jvm whether to bind the JVM and process meters (they register JVM-wide listeners;
     *     unit tests that make many of these pass false)
     */
    public NodeMetrics(String version, boolean jvm) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith("rms.") ? id : id.withName("rms." + id.getName());
            }
        });
        if (jvm) {
            new JvmMemoryMetrics().bindTo(registry);
            gc = new JvmGcMetrics();
            gc.bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            new FileDescriptorMetrics().bindTo(registry);
        } else {
            gc = null;
        }
        Gauge.builder(Metric.BUILD_INFO.meterName(), () -> 1).description(Metric.BUILD_INFO.help())
                .tags("version", version).register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, counter(Metric.ERRORS, Tags.of("code", code.wireName())));
        }
        for (CloseCode code : CloseCode.values()) {
            closeCounter(code.code());
        }
        slowConsumerCloses = counter(Metric.SLOW_CONSUMER_CLOSES, Tags.empty());
        reloadsApplied = counter(Metric.CONFIG_RELOADS, Tags.of("result", "applied"));
        reloadsRefused = counter(Metric.CONFIG_RELOADS, Tags.of("result", "refused"));
        memoryPublish = publishTimer("memory");
        redisPublish = publishTimer("redis");
        // Known label values up front: a series that exists at 0 is easier to alert on than one
        // that appears with the first event.
        AUTH_FAILURE_REASONS.forEach(r -> authFailures.computeIfAbsent(r,
                k -> counter(Metric.AUTH_FAILURES, Tags.of("reason", k))));
        ADMIN_ACTIONS.forEach(a -> adminActions.computeIfAbsent(a,
                k -> counter(Metric.ADMIN_ACTIONS, Tags.of("action", k))));
        for (String backplane : List.of("memory", "redis")) {
            BACKPLANE_OPERATIONS.forEach(op -> backplaneErrors.computeIfAbsent(backplane + ' ' + op,
                    k -> counter(Metric.BACKPLANE_ERRORS, Tags.of("backplane", backplane, "operation", op))));
        }
    }

    /** Lets go of the JVM-wide GC listeners. */
    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }

    /** The registry, for binders that live elsewhere (Netty's allocator, the event loops). */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The scrape, in the Prometheus text format 0.0.4, or in OpenMetrics 1.0 when {@code accept}
     * asks for it.
     */
    public Scrape scrape(String accept) {
        boolean openMetrics = accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text");
        String type = openMetrics ? Scrape.OPENMETRICS : Scrape.TEXT;
        return new Scrape(type, registry.scrape(type));
    }

    /** A scrape's body and its {@code Content-Type}. */
    public record Scrape(String contentType, String body) {
        public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
        public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    }

    /** The meters of {@code appId}, created on first use. */
    public AppMeters app(String appId) {
        return apps.computeIfAbsent(appId, id -> new AppMeters(id, registry));
    }

    /** Every app that has meters. */
    public Collection<AppMeters> apps() {
        return List.copyOf(apps.values());
    }

    /** Drops the meters of an app that is no longer configured. */
    public void removeApp(String appId) {
        AppMeters m = apps.remove(appId);
        if (m != null) {
            m.remove();
        }
    }

    /** An error frame went to a WebSocket client. */
    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    /** A WebSocket connection closed with {@code code} (1006 when no close frame was exchanged). */
    public void closed(int code) {
        closeCounter(known(code) ? code : -1).increment();
    }

    /**
     * A connection was closed 1008 {@code slow consumer} (also counted under {@link #closed}
     * with code 1008, which other policy violations share).
     */
    public void slowConsumer() {
        slowConsumerCloses.increment();
    }

    /** A credential was refused; {@code reason} is one of a fixed set of words (docs/operations.md). */
    public void authFailure(String reason) {
        authFailures.computeIfAbsent(reason, r -> counter(Metric.AUTH_FAILURES, Tags.of("reason", r))).increment();
    }

    /** A REST request was answered. {@code route} is the template, e.g. {@code /v1/channels/{channel}/publish}. */
    public void restRequest(String route, String method, int status, long nanos) {
        String key = route + ' ' + method + ' ' + status;
        restRequests.computeIfAbsent(key, k -> counter(Metric.REST_REQUESTS,
                Tags.of("route", route, "method", method, "status", Integer.toString(status)))).increment();
        restDurations.computeIfAbsent(route, r -> Timer.builder(Metric.REST_DURATION.meterName())
                .description(Metric.REST_DURATION.help()).tags("route", r)
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The publish latency timer of the {@code redis} or the in-memory backplane. */
    public Timer backplanePublish(boolean redis) {
        return redis ? redisPublish : memoryPublish;
    }

    /** The meters of this node's backplane, for the services that use it. */
    public BackplaneMeters backplane(boolean redis) {
        return new BackplaneMeters(this, redis);
    }

    /** Publish latency and failures of one backplane. Thread-safe. */
    public static final class BackplaneMeters {
        private final NodeMetrics metrics;
        private final boolean redis;
        private final Timer publish;

        private BackplaneMeters(NodeMetrics metrics, boolean redis) {
            this.metrics = metrics;
            this.redis = redis;
            this.publish = metrics.backplanePublish(redis);
        }

        /** A publication was taken (or refused) {@code nanos} after it was handed over. */
        public void published(long nanos) {
            publish.record(nanos, TimeUnit.NANOSECONDS);
        }

        /** An operation ({@code publish}, {@code direct}, {@code presence}, {@code usage}, {@code control}) failed. */
        public void failed(String operation) {
            metrics.backplaneError(redis, operation);
        }
    }

    /** A backplane operation ({@code publish}, {@code presence}, {@code usage}, {@code control}) failed. */
    public void backplaneError(boolean redis, String operation) {
        String backplane = redis ? "redis" : "memory";
        backplaneErrors.computeIfAbsent(backplane + ' ' + operation, k -> counter(Metric.BACKPLANE_ERRORS,
                Tags.of("backplane", backplane, "operation", operation))).increment();
    }

    /** A configuration reload was applied, or refused (the old configuration stays). */
    public void configReload(boolean applied) {
        (applied ? reloadsApplied : reloadsRefused).increment();
    }

    /** An admin action ran (it is also written to the audit log). */
    public void adminAction(String action) {
        adminActions.computeIfAbsent(action, a -> counter(Metric.ADMIN_ACTIONS, Tags.of("action", a))).increment();
    }

    /** Registers a gauge of rms's own, read at scrape time from {@code source}. */
    public <T> void gauge(Metric metric, T source, ToDoubleFunction<T> value) {
        Gauge.builder(metric.meterName(), source, value).description(metric.help()).strongReference(true)
                .register(registry);
    }

    /**
     * Registers a gauge of rms's own with these tags ({@code key, value, …}), read at scrape
     * time from {@code source}.
     */
    public <T> void gauge(Metric metric, T source, ToDoubleFunction<T> value, String... tags) {
        Gauge.builder(metric.meterName(), source, value).description(metric.help()).tags(tags).strongReference(true)
                .register(registry);
    }

    /**
     * Registers a counter of rms's own kept elsewhere (it only grows), with these tags
     * ({@code key, value, …}), read at scrape time from {@code source}.
     */
    public <T> void counter(Metric metric, T source, ToDoubleFunction<T> value, String... tags) {
        FunctionCounter.builder(metric.meterName(), source, value).description(metric.help()).tags(tags)
                .register(registry);
    }

    /** Registers a gauge of rms's own, read at scrape time. */
    public void gauge(Metric metric, Supplier<Number> value) {
        Gauge.builder(metric.meterName(), value).description(metric.help()).strongReference(true).register(registry);
    }

    /** The current value of a counter or gauge summed over every tag combination (for the admin overview). */
    public double sum(Metric metric) {
        return sumOf(metric.meterName());
    }

    /** {@link #sum(Metric)} for a meter that is not rms's own, e.g. {@code rms.netty.allocator.memory.used}. */
    public double sumOf(String meterName) {
        return registry.find(meterName).meters().stream()
                .mapToDouble(m -> {
                    double total = 0;
                    for (var measurement : m.measure()) {
                        total += measurement.getValue();
                    }
                    return total;
                }).sum();
    }

    private static boolean known(int code) {
        if (RFC_CLOSE_CODES.contains(code)) {
            return true;
        }
        for (CloseCode c : CloseCode.values()) {
            if (c.code() == code) {
                return true;
            }
        }
        return false;
    }

    private Counter closeCounter(int code) {
        return closes.computeIfAbsent(code, c -> counter(Metric.CLOSES,
                Tags.of("code", c < 0 ? "other" : Integer.toString(c))));
    }

    private Timer publishTimer(String backplane) {
        return Timer.builder(Metric.BACKPLANE_PUBLISH_DURATION.meterName())
                .description(Metric.BACKPLANE_PUBLISH_DURATION.help())
                .tags("backplane", backplane)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    private Counter counter(Metric metric, Tags tags) {
        return Counter.builder(metric.meterName()).description(metric.help()).tags(tags).register(registry);
    }
}

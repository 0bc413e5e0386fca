package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.config.WebhookConfig;
import ca.metered.realtime.server.config.WebhookEventType;
import ca.metered.realtime.server.config.WebhookSettings;
import ca.metered.realtime.server.time.Cancellable;
import ca.metered.realtime.server.time.Scheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks of one node (docs/webhooks.md). Two halves:
 *
 * <ul>
 *   <li><b>Producing</b>: {@link #emit} appends an event decided on this node to its app's
 *       {@link EventLog}, if some endpoint of the app wants it. Never blocks: a full or
 *       unreachable log drops the event, counted ({@link #dropped}) and logged.
 *   <li><b>Delivering</b>: for each app with webhooks the node tries to hold the app's lease;
 *       while it does, it reads the app's log in order into an {@link AppPipeline} (flap grace,
 *       one {@link EndpointSender} per endpoint) and marks entries done once delivered or given
 *       up. Whoever holds the lease after this node dies reads what it left in the log.
 * </ul>
 *
 * <p>Thread-safe. Reading and dispatching run on one thread ({@code rms-webhooks}, or the
 * executor given); leases are renewed from the scheduler.
 */
public final class WebhookService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
    static final int READ_MAX = 500;
    static final Duration READ_WAIT = Duration.ofSeconds(1);
    static final Duration READ_RETRY = Duration.ofSeconds(1);
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Map<String, List<WebhookConfig>> endpoints = new LinkedHashMap<>();
    private final Map<String, List<EndpointStats>> stats = new LinkedHashMap<>();
    private final Map<String, AtomicLong> dropped = new HashMap<>();
    private final WebhookSettings settings;
    private final EventLog eventLog;
    private final Poster poster;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final Executor dispatch;
    private final ExecutorService ownedDispatch;
    private final Duration leaseTtl;

    /** The apps whose lease this node holds; guarded by {@code this}. */
    private final Map<String, Lead> leads = new HashMap<>();
    private boolean reading;
    private volatile boolean running;
    private Cancellable leaseTimer;
    private long lastDropLogNanos = Long.MIN_VALUE;

    /** This node's reading of one app's log while it holds the lease. */
    private static final class Lead {
        final AppPipeline pipeline;
        String cursor = EventLog.START;
        long deadlineNanos;

        Lead(AppPipeline pipeline) {
            this.pipeline = pipeline;
        }
    }

    /**
     * @param dispatch the one thread that reads and dispatches; {@code null} for a thread of
     *                 this service's own
     * @param leaseTtl how long a lease lasts unless renewed (renewed every third of it): the
     *                 longest an app's events wait after the node delivering them died
     */
    WebhookService(ServerConfig config, EventLog eventLog, Poster poster, Scheduler scheduler, RandomGenerator random,
                   Executor dispatch, Duration leaseTtl) {
        this.settings = config.webhooks();
        this.eventLog = eventLog;
        this.poster = poster;
        this.scheduler = scheduler;
        this.random = random;
        this.leaseTtl = leaseTtl;
        if (dispatch == null) {
            this.ownedDispatch = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "rms-webhooks");
                t.setDaemon(true);
                return t;
            });
            this.dispatch = ownedDispatch;
        } else {
            this.ownedDispatch = null;
            this.dispatch = dispatch;
        }
        for (AppConfig app : config.apps()) {
            if (!app.webhooks().isEmpty()) {
                endpoints.put(app.id(), app.webhooks());
                stats.put(app.id(), app.webhooks().stream()
                        .map(w -> new EndpointStats(app.id(), w.url().toString())).toList());
                dropped.put(app.id(), new AtomicLong());
            }
        }
    }

    /**
     * The webhooks of {@code config}, delivered over the JDK HTTP client.
     *
     * @param eventLog taken over: closed with this service
     */
    public static WebhookService create(ServerConfig config, EventLog eventLog, Scheduler scheduler,
                                        Duration leaseTtl, String userAgent) {
        return new WebhookService(config, eventLog, new JdkPoster(scheduler, config.webhooks().timeout(), userAgent),
                scheduler, new java.util.Random(), null, leaseTtl);
    }

    /** Declares the apps' logs, then starts competing for their leases. */
    public void start() {
        List<CompletableFuture<Void>> configured = new ArrayList<>();
        endpoints.forEach((appId, hooks) -> {
            boolean presence = hooks.stream().anyMatch(h -> h.events().contains(WebhookEventType.PRESENCE_JOINED)
                    || h.events().contains(WebhookEventType.PRESENCE_LEFT));
            configured.add(eventLog.configure(appId, settings.queueSize() * (hooks.size() + 1), presence)
                    .toCompletableFuture());
        });
        try {
            CompletableFuture.allOf(configured.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("webhooks: could not declare the event logs yet ({}); retrying with the leases", e.toString());
        }
        running = true;
        if (!endpoints.isEmpty()) {
            renewLeases();
            leaseTimer = scheduler.every(leaseTtl.dividedBy(3), this::renewLeases);
        }
    }

    /** Whether some endpoint of the app wants events of this type (about {@code channel}, null for any). */
    public boolean wants(String appId, WebhookEventType type, String channel) {
        List<WebhookConfig> hooks = endpoints.get(appId);
        if (hooks == null) {
            return false;
        }
        for (WebhookConfig h : hooks) {
            if (h.wants(type, channel)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the app has webhooks at all. */
    public boolean hasWebhooks(String appId) {
        return endpoints.containsKey(appId);
    }

    /** Logs an event decided on this node, if an endpoint of the app wants it. Never blocks. */
    public void emit(String appId, WebhookEvent event) {
        if (!running || !wants(appId, event.type(), event.channel())) {
            return;
        }
        eventLog.append(appId, event).thenAccept(result -> {
            if (result != EventLog.Append.LOGGED) {
                countDropped(appId, 1, result == EventLog.Append.FULL ? "the app's event log is full"
                        : "the event log is unreachable or busy");
            }
        });
    }

    /** Each endpoint's counters on this node, app by app in configuration order. */
    public List<EndpointStats> endpointStats() {
        return stats.values().stream().flatMap(List::stream).toList();
    }

    /** Events of the app that were dropped before reaching any endpoint (log full or unreachable). */
    public long dropped(String appId) {
        AtomicLong n = dropped.get(appId);
        return n == null ? 0 : n.get();
    }

    /** The apps whose webhooks this node delivers now. */
    public synchronized List<String> leading() {
        return List.copyOf(leads.keySet());
    }

    /**
     * Stops: delivers for up to {@code webhooks.timeout} what this node still owes (a node alone
     * has nobody to leave it to), then hands the leases back so another node takes over at once.
     */
    @Override
    public void close() {
        close(settings.timeout());
    }

    /** Stops after delivering for at most {@code drainWithin} (zero: at once). */
    void close(Duration drainWithin) {
        if (!running) {
            return;
        }
        drain(drainWithin);
        running = false;
        if (leaseTimer != null) {
            leaseTimer.cancel();
        }
        List<String> resigned;
        synchronized (this) {
            leads.values().forEach(l -> l.pipeline.stop());
            resigned = List.copyOf(leads.keySet());
            leads.clear();
        }
        List<CompletableFuture<Void>> out = resigned.stream()
                .map(app -> eventLog.resign(app).toCompletableFuture()).toList();
        try {
            CompletableFuture.allOf(out.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("webhooks: leases not handed back ({}); they expire by themselves", e.toString());
        }
        if (poster instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing the webhook HTTP client: {}", e.toString());
            }
        }
        eventLog.close();
        if (ownedDispatch != null) {
            ownedDispatch.shutdown();
        }
    }

    /** A real wait of the stopping thread, so measured on the system clock. */
    private void drain(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() - deadline < 0 && !drained()) {
            try {
                Thread.sleep(20); // shutdown only: polls the pipelines with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean drained() {
        Map<String, String> cursors;
        synchronized (this) {
            if (leads.values().stream().anyMatch(l -> l.pipeline.owed() > 0)) {
                return false;
            }
            cursors = cursors();
        }
        if (cursors.isEmpty()) {
            return true;
        }
        try {
            return eventLog.read(cursors, 1, Duration.ZERO).toCompletableFuture().get(1, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return true; // the log is unreachable: nothing more can be delivered from here
        }
    }

    private void renewLeases() {
        if (!running) {
            return;
        }
        for (String appId : endpoints.keySet()) {
            long asked = scheduler.nanoTime();
            eventLog.lead(appId, leaseTtl).whenCompleteAsync((held, err) -> leaseAnswered(appId, asked, held, err),
                    dispatch);
        }
    }

    private void leaseAnswered(String appId, long askedNanos, Boolean held, Throwable err) {
        boolean kick = false;
        synchronized (this) {
            if (!running) {
                return;
            }
            Lead lead = leads.get(appId);
            if (err != null) {
                if (lead != null && scheduler.nanoTime() - lead.deadlineNanos >= 0) {
                    stopLeading(appId, "its lease could not be renewed (" + err + ")");
                }
                return;
            }
            if (held) {
                if (lead == null) {
                    lead = new Lead(new AppPipeline(appId, endpoints.get(appId), stats.get(appId), settings, eventLog,
                            poster, scheduler, random));
                    leads.put(appId, lead);
                    log.info("webhooks of app {}: this node delivers them now", appId);
                    kick = true;
                }
                lead.deadlineNanos = askedNanos + leaseTtl.toNanos();
            } else if (lead != null) {
                stopLeading(appId, "another node holds its lease");
            }
        }
        if (held && err == null) {
            eventLog.takeDropped(appId).thenAccept(n -> {
                if (n > 0) {
                    countDropped(appId, n, "the app's event log was full (presence decisions)");
                }
            });
        }
        if (kick) {
            read();
        }
    }

    /** Under the monitor. */
    private void stopLeading(String appId, String why) {
        Lead lead = leads.remove(appId);
        if (lead != null) {
            lead.pipeline.stop();
            log.info("webhooks of app {}: this node stops delivering them: {}", appId, why);
        }
    }

    /** Starts the next read unless one is on its way; runs on any thread. */
    private void read() {
        Map<String, Lead> reading;
        Map<String, String> cursors;
        synchronized (this) {
            if (this.reading || !running || leads.isEmpty()) {
                return;
            }
            this.reading = true;
            reading = Map.copyOf(leads);
            cursors = cursors();
        }
        eventLog.read(cursors, READ_MAX, READ_WAIT).whenCompleteAsync((entries, err) -> {
            synchronized (this) {
                this.reading = false;
            }
            if (err != null) {
                if (!running) {
                    return; // closing: the log's connection was closed under the blocked read
                }
                log.warn("webhooks: cannot read the event log ({}); retrying in {} ms", err.toString(),
                        READ_RETRY.toMillis());
                scheduler.schedule(READ_RETRY, () -> dispatch.execute(this::read));
                return;
            }
            entries.forEach((appId, list) -> deliver(reading.get(appId), appId, list));
            read();
        }, dispatch);
    }

    /** On the dispatch thread, in log order. */
    private void deliver(Lead lead, String appId, List<Logged> entries) {
        synchronized (this) {
            if (lead == null || leads.get(appId) != lead) {
                return; // the lease was lost (and maybe taken again) while the read was on its way
            }
            lead.cursor = entries.get(entries.size() - 1).id();
        }
        for (Logged e : entries) {
            lead.pipeline.accept(e);
        }
    }

    /** Under the monitor. */
    private Map<String, String> cursors() {
        Map<String, String> out = new HashMap<>();
        leads.forEach((appId, lead) -> out.put(appId, lead.cursor));
        return out;
    }

    private void countDropped(String appId, long n, String why) {
        dropped.get(appId).addAndGet(n);
        boolean report;
        synchronized (this) {
            long now = scheduler.nanoTime();
            report = lastDropLogNanos == Long.MIN_VALUE || now - lastDropLogNanos >= DROP_LOG_INTERVAL_NANOS;
            if (report) {
                lastDropLogNanos = now;
            }
        }
        if (report) {
            log.warn("webhooks of app {}: dropped {} event(s): {} ({} dropped in all)", appId, n, why,
                    dropped(appId));
        }
    }
}

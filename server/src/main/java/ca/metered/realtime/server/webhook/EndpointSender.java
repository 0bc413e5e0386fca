package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.config.WebhookConfig;
import ca.metered.realtime.server.config.WebhookSettings;
import ca.metered.realtime.server.time.Cancellable;
import ca.metered.realtime.server.time.Scheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one endpoint's events: a bounded queue, batches of up to {@code batchSize} events
 * (the first event of a burst waits {@code batchDelay} for others), one POST at a time so the
 * endpoint sees events in log order, and retries of the same bytes (same delivery id, same
 * signature) with exponential backoff and jitter, never sooner than a {@code Retry-After}, up to
 * {@code maxAttempts}; then the batch is given up. A full queue drops the new event: it is
 * counted and logged (at most one line a minute), and nothing upstream ever waits.
 *
 * <p>Each event handed to {@link #offer} that was accepted is eventually reported to
 * {@code finished} — delivered or given up — unless the sender is {@linkplain #stop stopped}
 * first (then the next reader of the log delivers it again).
 *
 * <p>Thread-safe (one monitor; no call to the poster or to {@code finished} is made under it).
 * Callbacks run on the poster's threads and the scheduler's thread.
 */
final class EndpointSender {
    private static final Logger log = LoggerFactory.getLogger(EndpointSender.class);
    private static final long OVERFLOW_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Where the sender is; one transition method per event below. */
    enum State {
        /** Nothing queued. */
        IDLE,
        /** The first event of a burst is waiting {@code batchDelay} for company. */
        GATHERING,
        /** A POST is on its way. */
        SENDING,
        /** The last POST failed; the retry is scheduled. */
        BACKING_OFF,
        /** Stopped for good: nothing is sent or reported any more. */
        STOPPED
    }

    private final String appId;
    private final WebhookConfig endpoint;
    private final WebhookSettings settings;
    private final Signature signature;
    private final Poster poster;
    private final Scheduler scheduler;
    private final Backoff backoff;
    private final RandomGenerator random;
    private final BiConsumer<List<Logged>, Boolean> finished;
    private final EndpointStats stats;

    private final ArrayDeque<Logged> queue = new ArrayDeque<>();
    private State state = State.IDLE;
    private Batch batch;
    private Cancellable timer;
    private boolean failing;
    private long overflowSinceLog;
    private long lastOverflowLogNanos = Long.MIN_VALUE;

    /** A batch with its bytes, kept so that every retry sends exactly the same request. */
    private record Batch(String id, List<Logged> events, byte[] body, Map<String, String> headers, int attempts) {
        Batch failedOnce() {
            return new Batch(id, events, body, headers, attempts + 1);
        }
    }

    /**
     * @param random   a thread-safe generator (jitter, delivery ids)
     * @param stats    this endpoint's counters, which outlive a sender stopped when the lease is lost
     * @param finished told, outside any lock, of events that are done: {@code true} delivered,
     *                 {@code false} given up
     */
    EndpointSender(String appId, WebhookConfig endpoint, WebhookSettings settings, Poster poster,
                   Scheduler scheduler, RandomGenerator random, EndpointStats stats,
                   BiConsumer<List<Logged>, Boolean> finished) {
        this.appId = appId;
        this.endpoint = endpoint;
        this.settings = settings;
        this.signature = new Signature(endpoint.secret());
        this.poster = poster;
        this.scheduler = scheduler;
        this.backoff = new Backoff(settings.retryMinDelay(), settings.retryMaxDelay(), random);
        this.random = random;
        this.finished = finished;
        this.stats = stats;
    }

    synchronized State state() {
        return state;
    }

    /** Queues an event; {@code false} when the queue is full (counted) or the sender stopped. */
    boolean offer(Logged event) {
        Batch toSend = null;
        synchronized (this) {
            if (state == State.STOPPED) {
                return false;
            }
            if (queue.size() >= settings.queueSize()) {
                overflow();
                return false;
            }
            queue.add(event);
            if (state == State.IDLE) {
                if (settings.batchDelay().isZero() || queue.size() >= settings.batchSize()) {
                    toSend = nextBatch();
                } else {
                    state = State.GATHERING;
                    timer = scheduler.schedule(settings.batchDelay(), this::gathered);
                }
            } else if (state == State.GATHERING && queue.size() >= settings.batchSize()) {
                timer.cancel();
                toSend = nextBatch();
            }
            depth();
        }
        send(toSend);
        return true;
    }

    /** Stops for good: queued and in-flight events are neither sent again nor reported. */
    void stop() {
        synchronized (this) {
            state = State.STOPPED;
            if (timer != null) {
                timer.cancel();
            }
            queue.clear();
            batch = null;
            depth();
        }
    }

    private void gathered() {
        Batch toSend;
        synchronized (this) {
            if (state != State.GATHERING) {
                return;
            }
            toSend = nextBatch();
        }
        send(toSend);
    }

    private void retry() {
        Batch toSend;
        synchronized (this) {
            if (state != State.BACKING_OFF) {
                return;
            }
            state = State.SENDING;
            toSend = batch;
        }
        send(toSend);
    }

    /** Under the monitor: takes the next batch off the queue, or goes idle. */
    private Batch nextBatch() {
        if (queue.isEmpty()) {
            state = State.IDLE;
            batch = null;
            return null;
        }
        int n = Math.min(queue.size(), settings.batchSize());
        List<Logged> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(queue.poll());
        }
        String id = deliveryId();
        byte[] body = WebhookBody.encode(id, scheduler.clock().millis(), appId, events);
        batch = new Batch(id, List.copyOf(events), body,
                Map.of(Signature.HEADER, signature.sign(body), Signature.ID_HEADER, id), 0);
        state = State.SENDING;
        return batch;
    }

    private void send(Batch b) {
        if (b == null) {
            return;
        }
        stats.sent();
        poster.post(endpoint.url(), b.headers(), b.body()).thenAccept(answer -> answered(b, answer));
    }

    private void answered(Batch sent, Poster.Answer answer) {
        Batch next = null;
        List<Logged> done = null;
        boolean delivered = answer.delivered();
        synchronized (this) {
            if (state == State.STOPPED || batch != sent) {
                return;
            }
            if (delivered) {
                if (failing) {
                    failing = false;
                    log.info("webhook {} of app {} delivers again", endpoint.url(), appId);
                }
                done = sent.events();
                next = nextBatch();
            } else {
                Batch failed = sent.failedOnce();
                stats.failed(answer.describe());
                if (failed.attempts() >= settings.maxAttempts()) {
                    log.warn("webhook {} of app {}: gave up {} event(s) of delivery {} after {} attempt(s), last: {}",
                            endpoint.url(), appId, failed.events().size(), failed.id(), failed.attempts(),
                            answer.describe());
                    done = failed.events();
                    next = nextBatch();
                } else {
                    Duration delay = delay(failed.attempts(), answer);
                    if (!failing) {
                        failing = true;
                        log.warn("webhook {} of app {} fails ({}); retrying with backoff", endpoint.url(), appId,
                                answer.describe());
                    } else {
                        log.debug("webhook {} of app {}: attempt {} of delivery {} failed ({}); next in {} ms",
                                endpoint.url(), appId, failed.attempts(), failed.id(), answer.describe(),
                                delay.toMillis());
                    }
                    batch = failed;
                    state = State.BACKING_OFF;
                    timer = scheduler.schedule(delay, this::retry);
                }
            }
            // The depth first, then the outcome: a scrape that sees an event counted as
            // delivered (or given up) never still sees it in the queue.
            depth();
            if (done != null && delivered) {
                stats.delivered(done.size());
            } else if (done != null) {
                stats.gaveUp(done.size());
            }
        }
        if (done != null) {
            finished.accept(done, delivered);
        }
        send(next);
    }

    /** The backoff, or the receiver's {@code Retry-After} when that is longer. */
    private Duration delay(int failures, Poster.Answer answer) {
        Duration d = backoff.after(failures);
        Optional<Duration> asked = RetryAfter.parse(answer.retryAfter(), scheduler.clock());
        return asked.filter(a -> a.compareTo(d) > 0).orElse(d);
    }

    private void overflow() {
        stats.overflow();
        overflowSinceLog++;
        long now = scheduler.nanoTime();
        if (lastOverflowLogNanos == Long.MIN_VALUE || now - lastOverflowLogNanos >= OVERFLOW_LOG_INTERVAL_NANOS) {
            log.warn("webhook {} of app {}: queue full ({} events); dropped {} event(s) since the last report",
                    endpoint.url(), appId, settings.queueSize(), overflowSinceLog);
            overflowSinceLog = 0;
            lastOverflowLogNanos = now;
        }
    }

    private void depth() {
        stats.depth(queue.size() + (batch == null ? 0 : batch.events().size()));
    }

    private String deliveryId() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return "dlv_" + HexFormat.of().formatHex(b);
    }
}

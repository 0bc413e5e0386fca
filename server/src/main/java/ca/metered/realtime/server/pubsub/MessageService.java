package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.auth.Authorizer;
import ca.metered.realtime.server.auth.Refusal;
import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.server.cluster.Tracking;
import ca.metered.realtime.server.history.Retention;
import ca.metered.realtime.server.cluster.UsageStore;
import ca.metered.realtime.server.config.LiveConfig;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import ca.metered.realtime.server.metrics.NodeMetrics;
import java.util.concurrent.TimeUnit;
import ca.metered.realtime.server.time.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publish and send, the one path for the WebSocket commands and the REST API: authorize
 * (reserved prefix, wildcard, action, channel scope), count against the app's message quota,
 * hand to the broker, and say what came of it.
 *
 * <p>The quota counter failing does not stop traffic (fail open, docs/clustering.md); the
 * broker failing still serves this node's subscribers and answers {@code backend_error}.
 *
 * <p>Thread-safe. Stages complete on whichever thread the backplane answers on.
 */
public final class MessageService {
    private static final Logger log = LoggerFactory.getLogger(MessageService.class);
    /**
     * A Redis outage or a full command queue fails every publish in flight: one WARN line per
     * 10 s with a count, not one per message (clients still get {@code backend_error} each).
     */
    private static final LogThrottle BACKEND_ERRORS = new LogThrottle(TimeUnit.SECONDS.toNanos(10), System::nanoTime);
    private static final Refusal OVER_QUOTA = new Refusal(ErrorCode.OVER_MESSAGE_QUOTA,
            "the app's message quota for this period is used up");
    private static final Refusal PEER_NOT_FOUND = new Refusal(ErrorCode.PEER_NOT_FOUND, "peer is not online");

    private final String nodeId;
    private final Authorizer authorizer;
    private final LiveConfig config;
    private final Broker broker;
    private final UsageStore usage;
    private final NodeMetrics metrics;
    private final NodeMetrics.BackplaneMeters backplane;

    public MessageService(String nodeId, Authorizer authorizer, LiveConfig config, Broker broker, UsageStore usage,
                          NodeMetrics metrics, NodeMetrics.BackplaneMeters backplane) {
        this.nodeId = nodeId;
        this.authorizer = authorizer;
        this.config = config;
        this.broker = broker;
        this.usage = usage;
        this.metrics = metrics;
        this.backplane = backplane;
    }

    /** {@link #publish(Sender, String, RawJson, String)} without an idempotency key. */
    public CompletionStage<Outcome<Published>> publish(Sender from, String channel, RawJson data) {
        return publish(from, channel, data, null);
    }

    /**
     * Publishes to a concrete channel (docs/protocol.md 2.1). On a channel with history the message
     * gets its position; with an idempotency key already used on the channel within the app's
     * window, nothing is delivered and the first publish's result is answered (docs/protocol.md 9).
     * A publish with neither takes the hosted service's path unchanged.
     *
     * @param idempotencyKey the client's key, or {@code null}
     */
    public CompletionStage<Outcome<Published>> publish(Sender from, String channel, RawJson data,
                                                      String idempotencyKey) {
        Optional<Refusal> denied = authorizer.publish(from.permissions(), channel);
        if (denied.isPresent()) {
            return CompletableFuture.completedFuture(Outcome.refused(denied.get()));
        }
        Publication p = new Publication(nodeId, from.connectionId(), from.appId(), channel, from.peerId(), data,
                from.metadata());
        Retention retention = config.history(from.appId(), channel).map(Retention::of).orElse(null);
        if (retention == null && idempotencyKey == null) {
            return withinQuota(from.appId(), () -> {
                received(from, data);
                long start = System.nanoTime();
                return broker.publish(p).handle((receivers, err) -> {
                    backplane.published(System.nanoTime() - start);
                    if (err != null) {
                        backplane.failed("publish");
                        return backendError(from, err); // local subscribers were served; remote ones may not have been
                    }
                    return Outcome.done(new Published(receivers, null, false));
                });
            });
        }
        Tracking tracking = new Tracking(retention, idempotencyKey, config.idempotencyWindow(from.appId()));
        return withinQuota(from.appId(), () -> {
            received(from, data);
            long start = System.nanoTime();
            return broker.publish(p, tracking).handle((a, err) -> {
                backplane.published(System.nanoTime() - start);
                if (err != null) {
                    backplane.failed("publish");
                    return backendError(from, err); // nobody was served: a retry with the key delivers it once
                }
                return Outcome.done(new Published(a.receivers(), a.position(), a.repeated()));
            });
        });
    }

    /** Sends a direct message to every connection of {@code to} in the app (docs/protocol.md 2.5). */
    public CompletionStage<Outcome<Void>> send(Sender from, String to, RawJson data) {
        Optional<Refusal> denied = authorizer.send(from.permissions());
        if (denied.isPresent()) {
            return CompletableFuture.completedFuture(Outcome.refused(denied.get()));
        }
        DirectMessage d = new DirectMessage(nodeId, from.appId(), to, from.peerId(), data, from.metadata());
        return withinQuota(from.appId(), () -> {
            received(from, data);
            return broker.direct(d).handle((found, err) -> {
                if (err != null) {
                    backplane.failed("direct");
                    return backendError(from, err);
                }
                return found ? Outcome.done(null) : Outcome.<Void>refused(PEER_NOT_FOUND);
            });
        });
    }

    /** Counts a message that passed authorization and the quota (REST senders have no connection). */
    private void received(Sender from, RawJson data) {
        metrics.app(from.appId()).received(from.connectionId() < 0, data == null ? 0 : data.json().length());
    }


    /** Counts one message against the app's quota, then runs {@code next} or refuses {@code over_message_quota}. */
    private <T> CompletionStage<Outcome<T>> withinQuota(String appId, Supplier<CompletionStage<Outcome<T>>> next) {
        CompletableFuture<Boolean> counted = usage.countMessage(appId, config.limits(appId).maxMessagesPerPeriod())
                .toCompletableFuture();
        if (counted.isDone() && !counted.isCompletedExceptionally() && counted.join()) {
            try { // counted on the node (no quota): no stages to chain
                return next.get();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e); // as thenCompose would have it
            }
        }
        return counted
                .handle((ok, err) -> {
                    if (err != null) {
                        backplane.failed("usage");
                    }
                    return err != null || ok;
                })
                .thenCompose(ok -> ok ? next.get() : CompletableFuture.completedFuture(Outcome.<T>refused(OVER_QUOTA)));
    }

    private static <T> Outcome<T> backendError(Sender from, Throwable err) {
        long skipped = BACKEND_ERRORS.occurred();
        if (skipped >= 0) {
            log.warn("backplane unavailable for peer {}: {}{}", from.peerId(), err.toString(),
                    skipped == 0 ? "" : " (" + skipped + " more failures in the last 10 s not logged)");
        }
        return Outcome.refused(Memberships.BACKEND_ERROR);
    }
}

package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.server.cluster.Tracking;
import ca.metered.realtime.server.history.Appended;
import ca.metered.realtime.server.webhook.WebhookEvent.MessagePublished;
import java.util.concurrent.CompletionStage;

/**
 * The node's {@link Broker} as the webhooks see it: every publication this node hands over is a
 * {@code message.published} (decided here, once: only the accepting node publishes it), and
 * every channel watch is one local subscription for the {@link OccupancyTracker} —
 * {@code Memberships} watches a channel once per new subscription and unwatches it once when
 * that subscription goes, failed joins included, so the counts always pair up.
 *
 * <p>Thread-safe; calls go on to the broker on the caller's thread.
 */
final class TappedBroker implements Broker {
    private final Broker broker;
    private final WebhookService service;
    private final OccupancyTracker occupancy;

    TappedBroker(Broker broker, WebhookService service, OccupancyTracker occupancy) {
        this.broker = broker;
        this.service = service;
        this.occupancy = occupancy;
    }

    @Override
    public CompletionStage<Integer> publish(Publication p) {
        service.emit(p.appId(), new MessagePublished(p.channel(), p.from(), p.data(), p.fromMetadata()));
        return broker.publish(p);
    }

    /**
     * A publish with history or an idempotency key (docs/protocol.md 9): told once the backplane has
     * taken it, and only if it was not a repeat, so that a publish retried under its key is one
     * {@code message.published}; one that failed ({@code backend_error}: on this path delivered
     * nowhere, not even locally) is not told. Told on the thread that completes the publish.
     */
    @Override
    public CompletionStage<Appended> publish(Publication p, Tracking tracking) {
        return broker.publish(p, tracking).thenApply(appended -> {
            if (!appended.repeated()) {
                service.emit(p.appId(), new MessagePublished(p.channel(), p.from(), p.data(), p.fromMetadata()));
            }
            return appended;
        });
    }

    @Override
    public CompletionStage<Boolean> direct(DirectMessage message) {
        return broker.direct(message);
    }

    @Override
    public CompletionStage<Void> watchChannel(String appId, String channel) {
        occupancy.subscribed(appId, channel);
        return broker.watchChannel(appId, channel);
    }

    @Override
    public void unwatchChannel(String appId, String channel) {
        broker.unwatchChannel(appId, channel);
        occupancy.unsubscribed(appId, channel);
    }

    @Override
    public CompletionStage<Void> watchPeer(String appId, String peerId) {
        return broker.watchPeer(appId, peerId);
    }

    @Override
    public void unwatchPeer(String appId, String peerId) {
        broker.unwatchPeer(appId, peerId);
    }

    @Override
    public CompletionStage<Void> watchAllChannels(String appId) {
        return broker.watchAllChannels(appId);
    }

    @Override
    public void unwatchAllChannels(String appId) {
        broker.unwatchAllChannels(appId);
    }
}

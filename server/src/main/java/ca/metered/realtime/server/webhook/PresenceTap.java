package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceJoined;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceLeft;

/**
 * Presence events of a node alone: the in-memory presence store hands each decided delta to the
 * node's {@link Broker.Inbound} exactly once, so the delta is the event. (With Redis the
 * presence scripts log the events themselves, and this tap is not installed: several nodes
 * receive each delta.)
 *
 * <p>Thread-safe; called on backplane threads like the inbound it wraps.
 */
final class PresenceTap implements Broker.Inbound {
    private final Broker.Inbound inbound;
    private final WebhookService service;

    PresenceTap(Broker.Inbound inbound, WebhookService service) {
        this.inbound = inbound;
        this.service = service;
    }

    @Override
    public int onPublication(Publication publication, Broker.Route route) {
        return inbound.onPublication(publication, route);
    }

    @Override
    public int onDirect(DirectMessage message) {
        return inbound.onDirect(message);
    }

    @Override
    public void onPresence(String appId, String channel, PresenceDelta delta) {
        service.emit(appId, delta.joined() ? new PresenceJoined(channel, delta.peerId(), delta.metadata())
                : new PresenceLeft(channel, delta.peerId()));
        inbound.onPresence(appId, channel, delta);
    }

    @Override
    public void onResubscribed(String appId, String channel) {
        inbound.onResubscribed(appId, channel);
    }

    @Override
    public int onKick(String appId, String peerId) {
        return inbound.onKick(appId, peerId);
    }
}

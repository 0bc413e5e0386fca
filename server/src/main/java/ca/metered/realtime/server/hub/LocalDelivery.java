package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.cluster.Publication;

/**
 * Backplane traffic, this node's own included, delivered to the local connections: the one
 * {@link Broker.Inbound} of a node.
 *
 * <p>Thread-safe; called on backplane threads (the publisher's event loop for the in-memory
 * backplane, Lettuce's pub/sub thread for Redis).
 */
public final class LocalDelivery implements Broker.Inbound {
    private final Hub hub;
    private final String nodeId;

    public LocalDelivery(Hub hub, String nodeId) {
        this.hub = hub;
        this.nodeId = nodeId;
    }

    @Override
    public int onPublication(Publication p, Broker.Route route) {
        AppHub app = hub.app(p.appId());
        if (app == null) {
            return 0;
        }
        // The publisher does not get its own message (protocol.md 2.1); only its node knows it.
        long exclude = nodeId.equals(p.originNode()) ? p.originConnectionId() : -1;
        return app.deliverMessage(p.channel(), p.from(), p.data(), p.fromMetadata(), exclude,
                route != Broker.Route.WILDCARD, route != Broker.Route.EXACT);
    }

    @Override
    public int onDirect(DirectMessage d) {
        AppHub app = hub.app(d.appId());
        return app == null ? 0 : app.directLocal(d.to(), d.from(), d.data(), d.fromMetadata());
    }

    @Override
    public void onPresence(String appId, String channel, PresenceDelta delta) {
        AppHub app = hub.app(appId);
        if (app != null) {
            app.deliverPresence(channel, delta);
        }
    }

    @Override
    public int onKick(String appId, String peerId) {
        AppHub app = hub.app(appId);
        return app == null ? 0 : app.closePeer(peerId, CloseCode.ADMIN_DISCONNECT.code(), "admin disconnect");
    }
}

package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backplane traffic, this node's own included, delivered to the local connections: the one
 * {@link Broker.Inbound} of a node.
 *
 * <p>Thread-safe; called on backplane threads (the publisher's event loop for the in-memory
 * backplane, Lettuce's pub/sub thread for Redis).
 */
public final class LocalDelivery implements Broker.Inbound {
    private static final Logger log = LoggerFactory.getLogger(LocalDelivery.class);
    private final Hub hub;
    private final String nodeId;
    private final ChannelPositions positions;

    /** Reads a channel's current position from its history; completes with {@code null} when it keeps none. */
    @FunctionalInterface
    public interface ChannelPositions {
        CompletionStage<StreamPosition> current(String appId, String channel);
    }

    public LocalDelivery(Hub hub, String nodeId, ChannelPositions positions) {
        this.hub = hub;
        this.nodeId = nodeId;
        this.positions = positions;
    }

    /**
     * A channel's traffic is back after the backplane lost it: if this node tracks the channel's
     * position, reads the current one and hints recovering subscribers when messages were missed
     * (docs/protocol.md 9). When the read fails too, they are hinted all the same: their recovery will
     * find out.
     */
    @Override
    public void onResubscribed(String appId, String channel) {
        AppHub app = hub.app(appId);
        if (app == null || !app.tracksPosition(channel)) {
            return;
        }
        positions.current(appId, channel).whenComplete((current, err) -> {
            if (err != null) {
                log.warn("could not read the position of channel {} after a backplane reconnect: {}", channel,
                        err.toString());
                app.checkPosition(channel, new StreamPosition("unknown", Long.MAX_VALUE));
            } else if (current != null) {
                app.checkPosition(channel, current);
            }
        });
    }

    @Override
    public int onPublication(Publication p, Broker.Route route) {
        AppHub app = hub.app(p.appId());
        if (app == null) {
            return 0;
        }
        // The publisher does not get its own message (docs/protocol.md 2.1); only its node knows it.
        long exclude = nodeId.equals(p.originNode()) ? p.originConnectionId() : -1;
        return app.deliverMessage(p.channel(), p.from(), p.data(), p.fromMetadata(), p.position(), exclude,
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

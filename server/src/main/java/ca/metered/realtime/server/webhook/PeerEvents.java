package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.config.WebhookEventType;
import ca.metered.realtime.server.pubsub.CloseStatus;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import ca.metered.realtime.server.pubsub.Member;
import ca.metered.realtime.server.webhook.NodeHoldings.HeldConnection;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code peer.connected} and {@code peer.disconnected} from this node's connection lifecycle:
 * decided by the node that hosts the connection, so once for the cluster, through the
 * {@link NodeHoldings}, which also tells the end of the connections of a node that dies. The
 * connection id a receiver sees is this node's id and the connection's number: unique in the
 * cluster.
 *
 * <p>Thread-safe; called on the thread that opened or released the connection.
 */
final class PeerEvents implements LifecycleListener {
    private final WebhookService service;
    private final NodeHoldings holdings;
    private final String nodeId;
    /** Connections whose end is to be told, for re-asserting them; by connection id. */
    private final ConcurrentHashMap<String, HeldConnection> tracked = new ConcurrentHashMap<>();

    PeerEvents(WebhookService service, NodeHoldings holdings, String nodeId) {
        this.service = service;
        this.holdings = holdings;
        this.nodeId = nodeId;
    }

    @Override
    public void connectionOpened(Member m) {
        boolean announce = service.wants(m.appId(), WebhookEventType.PEER_CONNECTED, null);
        boolean track = service.wants(m.appId(), WebhookEventType.PEER_DISCONNECTED, null);
        if (!announce && !track) {
            return;
        }
        String id = connectionId(m);
        if (track) {
            tracked.put(id, new HeldConnection(m.appId(), id, m.peerId()));
        }
        holdings.connectionOpened(m.appId(), new PeerConnected(m.peerId(), id, m.peerMetadata()), announce, track);
    }

    @Override
    public void connectionClosed(Member m, CloseStatus status) {
        String id = connectionId(m);
        if (tracked.remove(id) != null) {
            holdings.connectionClosed(m.appId(), new PeerDisconnected(m.peerId(), id, status.code(), status.reason()));
        }
    }

    /** The tracked connections now. */
    List<HeldConnection> connections() {
        return List.copyOf(tracked.values());
    }

    private String connectionId(Member m) {
        return nodeId + "-" + m.connectionId();
    }
}

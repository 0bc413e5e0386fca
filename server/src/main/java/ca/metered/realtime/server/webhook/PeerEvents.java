package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.pubsub.CloseStatus;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import ca.metered.realtime.server.pubsub.Member;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;

/**
 * {@code peer.connected} and {@code peer.disconnected} from this node's connection lifecycle:
 * decided by the node that hosts the connection, so once for the cluster. The connection id the
 * receiver sees is this node's id and the connection's number, unique in the cluster.
 *
 * <p>Thread-safe; called on the thread that opened or released the connection.
 */
final class PeerEvents implements LifecycleListener {
    private final WebhookService service;
    private final String nodeId;

    PeerEvents(WebhookService service, String nodeId) {
        this.service = service;
        this.nodeId = nodeId;
    }

    @Override
    public void connectionOpened(Member m) {
        service.emit(m.appId(), new PeerConnected(m.peerId(), connectionId(m), m.peerMetadata()));
    }

    @Override
    public void connectionClosed(Member m, CloseStatus status) {
        service.emit(m.appId(), new PeerDisconnected(m.peerId(), connectionId(m), status.code(), status.reason()));
    }

    private String connectionId(Member m) {
        return nodeId + "-" + m.connectionId();
    }
}

package ca.metered.realtime.server.cluster;

import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Cluster-wide view of who is online and where: answers {@code peer_not_found} and
 * {@code GET /v1/channels/:channel/peers}. Each node's hub keeps its own roster for ordering
 * the deltas it sends; the store is the union over nodes.
 *
 * <p>Implementations are thread-safe.
 */
public interface PresenceStore {

    /** Whether the peer has a live connection on any node. */
    CompletionStage<Boolean> isOnline(String appId, String peerId);

    /** Announced peers of a concrete channel over all nodes, one entry per peerId. */
    CompletionStage<List<PresenceEntry>> members(String appId, String channel);
}

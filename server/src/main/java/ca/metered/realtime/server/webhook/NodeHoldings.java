package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * What this node holds in the cluster that the webhooks must account for even if the node dies:
 * the channels its subscribers are on, and its connections. From each node's own transitions it
 * decides, once for the cluster, when a channel becomes occupied (its first subscriber on any
 * node) or vacated (its last), and logs peer events; when a node dies without a goodbye, the
 * others release what it held after the node timeout: its channels are left (vacated where it
 * was the last node) and its connections end with {@code peer.disconnected} (code 1006).
 *
 * <p>{@link InMemoryHoldings} serves a node alone; {@code webhook.redis.RedisHoldings} a cluster.
 * Both pass {@code HoldingsContract}.
 *
 * <p>Implementations are thread-safe; no call blocks. For one channel or one connection, calls
 * must be made in the order of the transitions ({@link OccupancyTracker} and {@link PeerEvents}
 * make them so).
 */
public interface NodeHoldings extends AutoCloseable {

    /** This node got its first subscriber of the channel. */
    void nodeOccupied(String appId, String channel);

    /** This node lost its last subscriber of the channel. */
    void nodeVacated(String appId, String channel);

    /**
     * A connection opened on this node.
     *
     * @param announce whether to log {@code peer.connected}
     * @param track    whether its end will be told: then {@link #connectionClosed} follows, or the
     *                 others tell it if this node dies
     */
    void connectionOpened(String appId, PeerConnected event, boolean announce, boolean track);

    /** A tracked connection closed: logs {@code peer.disconnected}. */
    void connectionClosed(String appId, PeerDisconnected event);

    /**
     * Starts proving this node alive and releasing what dead nodes held.
     *
     * @param channels    the channels this node has subscribers on now, and
     * @param connections its tracked connections now: for re-asserting them when the cluster
     *                    lost track of this node
     */
    void start(Supplier<Collection<AppChannel>> channels, Supplier<Collection<HeldConnection>> connections);

    /** Graceful stop: what this node still holds is released at once. */
    @Override
    void close();

    /** A tracked connection. */
    record HeldConnection(String appId, String connectionId, String peerId) {
    }
}

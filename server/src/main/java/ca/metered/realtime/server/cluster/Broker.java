package ca.metered.realtime.server.cluster;

import ca.metered.realtime.server.history.Appended;
import java.util.concurrent.CompletionStage;

/**
 * Fan-out across the cluster: carries publications, direct messages and presence deltas to
 * every node that needs them, <em>this node included</em>, so that all nodes see one order per
 * channel (docs/protocol.md 2.3, 2.6). The origin node excludes the publishing connection itself
 * ({@link Publication#originConnectionId()}).
 *
 * <p>A node declares what it needs with the {@code watch…} calls, which are reference-counted:
 * one call per local user of a channel, peer or app pattern, undone by one {@code unwatch…}.
 * A watch stage completes once traffic for it is guaranteed to reach {@link Inbound}.
 *
 * <p>Traffic flows to the {@link Inbound} given to {@link Backplane#start}.
 *
 * <p>Implementations are thread-safe. {@link Inbound} callbacks for one channel arrive in one
 * order on every node, and traffic one node handed over arrives in the order it was handed over.
 */
public interface Broker {

    /**
     * Hands a publication to every node. Completes when the backplane has taken it (that is when
     * a publish may be acked) with the number of receivers it knows of (connections for the
     * in-memory backplane, nodes for Redis); exceptionally ({@code backend_error}) when the
     * backplane is unreachable, in which case the local subscribers have still been served.
     */
    CompletionStage<Integer> publish(Publication publication);

    /**
     * Publishes with history and/or an idempotency key (docs/protocol.md 9): the backplane assigns
     * the message's position and checks the key atomically with handing it to every node, so a
     * position means the same on every node and every node receives a channel's messages in
     * offset order. A repeated key delivers nothing and completes with the first publish's result.
     * Exceptionally ({@code backend_error}) when the backplane is unreachable; then, unlike
     * {@link #publish(Publication)}, not even local subscribers were served, so that a retry with
     * the same key delivers the message once.
     */
    CompletionStage<Appended> publish(Publication publication, Tracking tracking);

    /**
     * Hands a direct message to the nodes hosting its target. Completes with whether any node
     * hosts it ({@code false}: {@code peer_not_found}); exceptionally when unreachable.
     */
    CompletionStage<Boolean> direct(DirectMessage message);

    /** Starts receiving a concrete channel's traffic (messages and presence deltas). */
    CompletionStage<Void> watchChannel(String appId, String channel);

    void unwatchChannel(String appId, String channel);

    /** Starts receiving direct messages for a peer; the node hosts a connection of it. */
    CompletionStage<Void> watchPeer(String appId, String peerId);

    void unwatchPeer(String appId, String peerId);

    /** Starts receiving every channel's messages of an app, for wildcard subscriptions. */
    CompletionStage<Void> watchAllChannels(String appId);

    void unwatchAllChannels(String appId);

    /** How a publication reached this node: which local subscriptions it is for. */
    enum Route {
        /** Through the channel's own subscription: for exact subscribers. */
        EXACT,
        /** Through the app-wide pattern: for wildcard subscribers. */
        WILDCARD,
        /** Both (the in-memory backplane, and local fallback delivery). */
        ALL
    }

    /** Receives traffic; called from backplane threads, never concurrently for one channel. */
    interface Inbound {
        /** @return how many local connections it was queued to */
        int onPublication(Publication publication, Route route);

        /** @return how many local connections it was queued to */
        int onDirect(DirectMessage message);

        void onPresence(String appId, String channel, PresenceDelta delta);

        /** Closes the peer's local connections with 4020; returns how many. */
        int onKick(String appId, String peerId);

        /**
         * The backplane re-established a channel's traffic after losing it (a Redis pub/sub
         * reconnect): messages published meanwhile may not have reached this node.
         */
        default void onResubscribed(String appId, String channel) {
        }
    }
}

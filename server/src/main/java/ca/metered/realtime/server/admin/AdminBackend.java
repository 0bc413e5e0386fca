package ca.metered.realtime.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the admin reads from and does to the running node's core: its connections, channels and
 * presence, the cluster's usage counters and nodes, kicks. Implemented over the core services
 * where the node is put together; the admin's HTTP side ({@link AdminApi}) only shapes answers.
 *
 * <p>Implementations are thread-safe and never block: what needs the backplane answers with a
 * stage, completed on a backplane thread.
 */
public interface AdminBackend {

    /** This node: its id, the backplane it uses ({@code memory} or {@code redis}), when it started. */
    NodeInfo node();

    /**
     * The live nodes of the cluster with what each last reported, this node first; only this node
     * when the backplane cannot be read.
     */
    CompletionStage<List<NodeStatus>> nodes();

    /** Tells the other nodes how this node is doing; called about once a second by the live feed. */
    void report(int connections, double receivedPerSecond, double deliveredPerSecond, long heapUsedBytes,
                long heapMaxBytes);

    /** Channels with subscribers on this node, of one app, whose name contains {@code query}. */
    ChannelList channels(String appId, String query, int limit);

    /** One channel: this node's subscriptions and the cluster's presence members; empty for an unknown app. */
    CompletionStage<Optional<ChannelDetail>> channel(String appId, String channel);

    /** This node's connections, of one app or all ({@code appId} empty), whose peer id contains {@code query}. */
    ConnectionList connections(Optional<String> appId, String query, int limit);

    /** A peer: its connections on this node and its connection count over the cluster. */
    CompletionStage<Optional<PeerDetail>> peer(String appId, String peerId);

    /** Disconnects every connection of the peer on every node with 4020 (as REST {@code DELETE /v1/peers/:id}). */
    CompletionStage<Void> kick(String appId, String peerId);

    /** An app's usage over the cluster (connections and this period's messages); fields may be null if the store is down. */
    CompletionStage<AppUsage> usage(String appId);

    /** This node's webhook endpoints of the app and their counters (docs/webhooks.md "Watching it"); empty without any. */
    default List<WebhookEndpoint> webhooks(String appId) {
        return List.of();
    }

    /**
     * One webhook endpoint's counters on this node.
     *
     * @param endpoint the URL without its query
     * @param lastProblem the last failure ("HTTP 500", "no answer within 5000 ms"), or null
     */
    record WebhookEndpoint(String endpoint, long delivered, long requests, long failures, long givenUp,
                           long overflowed, int queueDepth, String lastProblem) {
    }

    record NodeInfo(String id, String version, long startedAt, String backplane) {
    }

    /**
     * A node of the cluster as last reported (numbers are this node's own when {@code self}). The
     * reported fields are null for a node that has not reported: it has not reported yet, or its
     * report expired.
     */
    record NodeStatus(String id, boolean self, String version, Long startedAt, long lastSeenAt, Integer connections,
                      Double receivedPerSecond, Double deliveredPerSecond, Long heapUsedBytes, Long heapMaxBytes,
                      Long uptimeSeconds) {
    }

    record ChannelSummary(String name, int subscribers, int peers) {
    }

    record ChannelList(String app, int total, List<ChannelSummary> channels) {
    }

    /** A subscription on this node: the connection, its peer, and whether it shows in presence. */
    record LocalSubscription(long connectionId, String peerId, boolean presence) {
    }

    /** A presence member of the channel over the cluster, with its {@code peerMetadata} (null if none). */
    record Member(String peerId, JsonNode metadata) {
    }

    record ChannelDetail(String app, String name, List<LocalSubscription> subscribers, List<Member> members) {
    }

    record ConnectionSummary(long id, String app, String peerId, String remoteAddress, long connectedAt,
                             int channels, long queuedBytes) {
    }

    record ConnectionList(int total, List<ConnectionSummary> connections) {
    }

    /**
     * A connection of a peer on this node.
     *
     * @param credential the publishable key or secret key id it authenticated with
     * @param expiresAt its token's expiry in epoch milliseconds, null for a publishable key
     */
    record ConnectionDetail(long id, String node, String remoteAddress, long connectedAt, List<String> channels,
                            long queuedBytes, String credential, Long expiresAt) {
    }

    record PeerDetail(String app, String peerId, Integer clusterConnections, List<ConnectionDetail> connections) {
    }

    /** Usage over the cluster; a field is null when the usage store could not be read. */
    record AppUsage(Integer clusterConnections, Long messagesThisPeriod, Long periodStart, Long periodEnd) {
    }
}

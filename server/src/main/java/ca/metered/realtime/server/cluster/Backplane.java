package ca.metered.realtime.server.cluster;

import ca.metered.realtime.server.history.HistoryStore;

/**
 * What a node needs to act as part of a cluster (docs/clustering.md): the five seams, and
 * their lifecycle. The in-memory implementation ({@link InMemoryCluster#join}) serves one node,
 * or several nodes inside one JVM; the Redis one ({@code cluster.redis.RedisBackplane}) spans
 * processes, and builds and closes its own connections and threads.
 *
 * <p>Thread-safe. {@link #start} once, before traffic is expected; {@link #close} once.
 */
public interface Backplane extends AutoCloseable {

    Broker broker();

    PresenceStore presence();

    ControlChannel control();

    UsageStore usage();

    /** The cluster's nodes and what each says about itself, for the admin console. */
    NodeDirectory nodes();

    /** Channel history, read side (docs/protocol.md 9); written by {@link Broker#publish(Publication, Tracking)}. */
    HistoryStore history();

    /**
     * Starts delivering traffic to {@code inbound} (this node's own included) and, for a real
     * cluster, proving this node alive.
     */
    void start(Broker.Inbound inbound);

    /**
     * Leaves the cluster gracefully: this node's peers leave at once everywhere, then every
     * connection and thread of the backplane is released.
     */
    @Override
    void close();
}

package ca.metered.realtime.server.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The nodes of the cluster as an operator's dashboard lists them: each node reports a few numbers
 * about itself every second or so, and any node lists every live node with its last report. The
 * numbers are informative (a few seconds old at most) and never drive a decision; which nodes are
 * alive is the backplane's own liveness rule (heartbeats, docs/clustering.md).
 *
 * <p>Thread-safe. Stages complete on a backplane thread (or at once, in memory).
 */
public interface NodeDirectory {

    /** Replaces what this node says about itself; a report older than the node timeout is forgotten. */
    void report(NodeReport self);

    /** Every live node of the cluster, this one included. */
    CompletionStage<List<NodeEntry>> list();

    /** What a node says about itself. */
    record NodeReport(String version, long startedAt, int connections, double receivedPerSecond,
                      double deliveredPerSecond, long heapUsedBytes, long heapMaxBytes) {
    }

    /**
     * A live node.
     *
     * @param lastSeenAt when it last proved itself alive (epoch millis)
     * @param report its last report, or null when it has not reported yet or the report expired
     */
    record NodeEntry(String id, long lastSeenAt, NodeReport report) {
    }
}

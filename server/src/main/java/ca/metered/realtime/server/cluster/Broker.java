package ca.metered.realtime.server.cluster;

import java.util.concurrent.CompletionStage;

/**
 * Cross-node fan-out: carries publications and direct messages to the other nodes of the
 * cluster. Local delivery never goes through the broker; the hub does it first.
 *
 * <p>Implementations are thread-safe. {@link Inbound} callbacks for one origin node arrive in
 * the order that node handed them over (protocol.md 2.6 ordering per publisher).
 */
public interface Broker extends AutoCloseable {

    /** Starts delivering other nodes' traffic to {@code inbound}. Called once. */
    void start(Inbound inbound);

    /**
     * Hands a publication to the other nodes. Completes when the backplane has taken it (that
     * is when a publish may be acked), exceptionally when it could not ({@code backend_error}).
     */
    CompletionStage<Void> publish(Publication publication);

    /** Hands a direct message to the nodes that host its target; completes like {@link #publish}. */
    CompletionStage<Void> direct(DirectMessage message);

    @Override
    void close();

    /** Receives other nodes' traffic. */
    interface Inbound {
        void onPublication(Publication publication);

        void onDirect(DirectMessage message);
    }
}

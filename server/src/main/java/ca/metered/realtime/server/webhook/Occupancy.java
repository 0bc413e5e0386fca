package ca.metered.realtime.server.webhook;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * Decides, once for the cluster, when a channel becomes occupied (its first subscriber on any
 * node) and vacated (its last), from each node's own first-and-last transitions, and logs
 * {@code channel.occupied} / {@code channel.vacated} for the app's webhooks. A node that dies
 * without saying goodbye is taken off its channels by the others after the node timeout.
 *
 * <p>{@link InMemoryOccupancy} serves a node alone; {@code webhook.redis.RedisOccupancy} a
 * cluster. Both pass {@code OccupancyContract}.
 *
 * <p>Implementations are thread-safe; no call blocks. For one channel, calls must be made in the
 * order of the transitions ({@link OccupancyTracker} makes them so).
 */
public interface Occupancy extends AutoCloseable {

    /** This node got its first subscriber of the channel. */
    void nodeOccupied(String appId, String channel);

    /** This node lost its last subscriber of the channel. */
    void nodeVacated(String appId, String channel);

    /**
     * Starts proving this node alive and taking dead nodes off their channels.
     *
     * @param local the channels this node has subscribers on now, for re-asserting them when
     *              the cluster lost track of this node
     */
    void start(Supplier<Collection<AppChannel>> local);

    /** Graceful stop: this node is taken off its channels at once. */
    @Override
    void close();
}

package ca.metered.realtime.server.webhook;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * Counts this node's subscriptions per channel and tells the {@link NodeHoldings} when a channel
 * gets its first one here and loses its last. Only channels some webhook wants occupancy events
 * for are counted, so apps without such webhooks cost nothing.
 *
 * <p>Thread-safe. A channel's count and the call it triggers happen atomically, so the
 * holdings hear one channel's transitions in order whatever thread each subscription came on.
 */
public final class OccupancyTracker {
    private final NodeHoldings occupancy;
    private final BiPredicate<String, String> tracked;
    private final ConcurrentHashMap<AppChannel, Integer> counts = new ConcurrentHashMap<>();

    /** @param tracked whether an (app, channel) is wanted at all */
    public OccupancyTracker(NodeHoldings occupancy, BiPredicate<String, String> tracked) {
        this.occupancy = occupancy;
        this.tracked = tracked;
    }

    /** One more subscription of the channel on this node. */
    public void subscribed(String appId, String channel) {
        if (!tracked.test(appId, channel)) {
            return;
        }
        counts.compute(new AppChannel(appId, channel), (k, n) -> {
            if (n == null) {
                occupancy.nodeOccupied(appId, channel);
                return 1;
            }
            return n + 1;
        });
    }

    /** One subscription fewer; must follow a {@link #subscribed} of the same channel. */
    public void unsubscribed(String appId, String channel) {
        if (!tracked.test(appId, channel)) {
            return;
        }
        counts.computeIfPresent(new AppChannel(appId, channel), (k, n) -> {
            if (n == 1) {
                occupancy.nodeVacated(appId, channel);
                return null;
            }
            return n - 1;
        });
    }

    /** The channels with subscribers on this node now. */
    public List<AppChannel> channels() {
        return List.copyOf(counts.keySet());
    }
}

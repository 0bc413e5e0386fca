package ca.metered.realtime.server.hub;

import ca.metered.realtime.server.metrics.AppMeters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * All apps' local registries on this node. An app's registry is made the first time the app is
 * used while it is configured, so an app added by a configuration reload is served without a
 * restart.
 *
 * <p>Thread-safe.
 */
public final class Hub {
    private final Map<String, AppHub> apps = new ConcurrentHashMap<>();
    private final Predicate<String> hosted;
    private final Function<String, AppMeters> meters;
    private final PresenceWindow presenceWindow;

    /**
     * @param hosted whether an app id is configured now
     * @param meters the meters of an app
     * @param presenceWindow how long a channel's presence deltas are gathered (docs/protocol.md 2.3)
     */
    public Hub(Predicate<String> hosted, Function<String, AppMeters> meters, PresenceWindow presenceWindow) {
        this.hosted = hosted;
        this.meters = meters;
        this.presenceWindow = presenceWindow;
    }

    /** Presence deltas go out one by one, at once. */
    public Hub(Predicate<String> hosted, Function<String, AppMeters> meters) {
        this(hosted, meters, PresenceWindow.IMMEDIATE);
    }

    /** A hub of a fixed set of apps whose meters go nowhere, deltas sent at once (tests). */
    public Hub(Collection<String> appIds) {
        this(Set.copyOf(appIds)::contains, AppMeters::unregistered);
    }

    /** The app's registry; {@code null} for an app this node does not host. */
    public AppHub app(String appId) {
        AppHub hub = apps.get(appId);
        if (hub == null && hosted.test(appId)) {
            hub = apps.computeIfAbsent(appId, id -> {
                AppMeters m = meters.apply(id);
                AppHub h = new AppHub(id, m, presenceWindow);
                m.channelsFrom(h::channelCount);
                return h;
            });
        }
        return hub;
    }

    public List<AppHub> apps() {
        return new ArrayList<>(apps.values());
    }
}

package ca.metered.realtime.server.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All apps' local registries on this node. Immutable set of apps after construction.
 *
 * <p>Thread-safe.
 */
public final class Hub {
    private final Map<String, AppHub> apps = new ConcurrentHashMap<>();

    public Hub(Collection<String> appIds) {
        appIds.forEach(id -> apps.put(id, new AppHub(id)));
    }

    /** The app's registry; {@code null} for an app this node does not host. */
    public AppHub app(String appId) {
        return apps.get(appId);
    }

    public List<AppHub> apps() {
        return new ArrayList<>(apps.values());
    }
}

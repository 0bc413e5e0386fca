package ca.metered.realtime.server.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole server configuration: listener settings and the apps it hosts. Built by
 * {@link ConfigLoader} with every default applied and every rule checked, so consumers never
 * re-validate.
 *
 * <p>Immutable; thread-safe.
 *
 * @param server listener and connection-handling settings
 * @param apps at least one app, ids unique
 * @param cluster the Redis backplane shared with other nodes; empty for a standalone node
 */
public record ServerConfig(ServerSettings server, List<AppConfig> apps, Optional<ClusterSettings> cluster) {

    public ServerConfig {
        Objects.requireNonNull(server, "server");
        apps = List.copyOf(apps);
        Objects.requireNonNull(cluster, "cluster");
    }

    /** A standalone (in-memory) configuration. */
    public ServerConfig(ServerSettings server, List<AppConfig> apps) {
        this(server, apps, Optional.empty());
    }

    /** The same configuration joined to a cluster. */
    public ServerConfig withCluster(ClusterSettings settings) {
        return new ServerConfig(server, apps, Optional.of(settings));
    }

    /** The app with this id, if configured. */
    public Optional<AppConfig> app(String id) {
        for (AppConfig app : apps) {
            if (app.id().equals(id)) {
                return Optional.of(app);
            }
        }
        return Optional.empty();
    }
}

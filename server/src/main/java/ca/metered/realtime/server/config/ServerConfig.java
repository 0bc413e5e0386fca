package ca.metered.realtime.server.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole server configuration: listener settings, the apps it hosts, and how operators watch
 * it. Built by {@link ConfigLoader} with every default applied and every rule checked, so
 * consumers never re-validate.
 *
 * <p>Immutable; thread-safe.
 *
 * @param server listener and connection-handling settings
 * @param apps at least one app, ids unique
 * @param cluster the Redis backplane shared with other nodes; empty for a standalone node
 * @param metrics who may read {@code /metrics}, and where
 * @param admin the admin dashboard's credentials; empty when the dashboard is off
 * @param logFormat text or JSON lines
 * @param webhooks how the apps' webhooks are delivered (docs/webhooks.md)
 */
public record ServerConfig(
        ServerSettings server,
        List<AppConfig> apps,
        Optional<ClusterSettings> cluster,
        MetricsSettings metrics,
        Optional<AdminSettings> admin,
        LogFormat logFormat,
        WebhookSettings webhooks) {

    public ServerConfig {
        Objects.requireNonNull(server, "server");
        apps = List.copyOf(apps);
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(webhooks, "webhooks");
    }

    /** Metrics for loopback clients only, no admin dashboard, text logs, webhooks delivered with the defaults. */
    public ServerConfig(ServerSettings server, List<AppConfig> apps, Optional<ClusterSettings> cluster) {
        this(server, apps, cluster, MetricsSettings.defaults(), Optional.empty(), LogFormat.TEXT,
                WebhookSettings.defaults());
    }

    /** A standalone (in-memory) configuration. */
    public ServerConfig(ServerSettings server, List<AppConfig> apps) {
        this(server, apps, Optional.empty());
    }

    /** The same configuration joined to a cluster. */
    public ServerConfig withCluster(ClusterSettings settings) {
        return new ServerConfig(server, apps, Optional.of(settings), metrics, admin, logFormat, webhooks);
    }

    /** The same configuration with other listener settings. */
    public ServerConfig withServer(ServerSettings settings) {
        return new ServerConfig(settings, apps, cluster, metrics, admin, logFormat, webhooks);
    }

    /** The same configuration with the admin dashboard on, with these credentials. */
    public ServerConfig withAdmin(AdminSettings settings) {
        return new ServerConfig(server, apps, cluster, metrics, Optional.of(settings), logFormat, webhooks);
    }

    /** The same configuration with other metrics settings. */
    public ServerConfig withMetrics(MetricsSettings settings) {
        return new ServerConfig(server, apps, cluster, settings, admin, logFormat, webhooks);
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

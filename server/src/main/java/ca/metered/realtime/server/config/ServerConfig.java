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
 */
public record ServerConfig(ServerSettings server, List<AppConfig> apps) {

    public ServerConfig {
        Objects.requireNonNull(server, "server");
        apps = List.copyOf(apps);
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

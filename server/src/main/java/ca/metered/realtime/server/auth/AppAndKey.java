package ca.metered.realtime.server.auth;

import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.SecretKeyConfig;
import java.util.Objects;

/**
 * The app and secret key a REST request authenticated as. The key's {@code channels} and
 * {@code actions} bound what the request may do (docs/protocol.md 6.2).
 *
 * <p>Immutable; thread-safe.
 */
public record AppAndKey(AppConfig app, SecretKeyConfig key) {

    public AppAndKey {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(key, "key");
    }

    /** The key's channels and actions, as {@link Authorizer} checks them. */
    public Permissions permissions() {
        return new Permissions(ChannelScope.of(key.channels()), key.actions());
    }
}

package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.server.config.AppConfig;
import java.util.Objects;
import java.util.Set;

/**
 * What a credential lets a connection be and do, apart from its peer id: the part of a
 * {@link Grant} that connections opened with the same publishable key share. One instance per
 * publishable key (made when the configuration is indexed), so that a connection holds only its
 * peer id and a reference (docs/performance.md, "Idle connections"); one per connection for a
 * JWT, whose claims are the connection's own.
 *
 * <p>Immutable; thread-safe.
 *
 * @param app the app the credential belongs to
 * @param channels the channels the connection may use
 * @param actions the actions the connection may use
 * @param peerMetadataJson compact JSON object of the {@code peerMetadata} claim, or null
 * @param metadataJson compact JSON object of the {@code metadata} claim, or null
 * @param expiresAtEpochSeconds the JWT {@code exp}, or null for a publishable key
 * @param credential the publishable key, or the id of the secret key that signed the JWT
 */
public record Access(
        AppConfig app,
        ChannelScope channels,
        Set<Action> actions,
        String peerMetadataJson,
        String metadataJson,
        Long expiresAtEpochSeconds,
        String credential) {

    public Access {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(channels, "channels");
        Objects.requireNonNull(credential, "credential");
        actions = Permissions.frozen(actions); // an unmodifiable EnumSet copy, shared
    }
}

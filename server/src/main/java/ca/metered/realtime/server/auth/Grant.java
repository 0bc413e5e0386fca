package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.server.config.AppConfig;
import java.util.Objects;
import java.util.Set;

/**
 * What an authenticated connection is: its app, peer id, and what it may do. The claim JSON
 * is kept as compact text, key order preserved, so the transport can splice it into
 * {@code welcome} and {@code presence} frames without re-encoding.
 *
 * <p>Immutable; thread-safe.
 *
 * @param app the app the credential belongs to
 * @param peerId the JWT {@code sub}, or a fresh random UUID for a publishable key
 * @param channels the channels the connection may use
 * @param actions the actions the connection may use
 * @param peerMetadataJson compact JSON object of the {@code peerMetadata} claim, or null
 * @param metadataJson compact JSON object of the {@code metadata} claim, or null
 * @param expiresAtEpochSeconds the JWT {@code exp}, or null for a publishable key
 * @param credential the publishable key, or the id of the secret key that signed the JWT: a
 *     configuration reload that removes or re-keys it closes the connection (4001)
 */
public record Grant(
        AppConfig app,
        String peerId,
        ChannelScope channels,
        Set<Action> actions,
        String peerMetadataJson,
        String metadataJson,
        Long expiresAtEpochSeconds,
        String credential) {

    public Grant {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(channels, "channels");
        Objects.requireNonNull(credential, "credential");
        actions = Permissions.frozen(actions); // an unmodifiable EnumSet copy, shared
    }

    /**
     * The id of the secret key that signed the JWT, or {@code null} for a publishable key (whose
     * grant has no {@code exp}; a JWT without one is refused).
     */
    public String secretKeyId() {
        return expiresAtEpochSeconds == null ? null : credential;
    }

    /** This grant with another expiry: what a token refresh changes (docs/protocol.md 9). */
    public Grant withExpiry(long expiresAtEpochSeconds) {
        return new Grant(app, peerId, channels, actions, peerMetadataJson, metadataJson, expiresAtEpochSeconds,
                credential);
    }

    /** Whether the connection may perform {@code action}. */
    public boolean can(Action action) {
        return actions.contains(action);
    }

    /** The channels and actions, as {@link Authorizer} checks them. */
    public Permissions permissions() {
        return new Permissions(channels, actions);
    }
}

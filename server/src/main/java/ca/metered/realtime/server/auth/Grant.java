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
 * <p>Its peer id is the connection's own; the rest ({@link Access}) is shared by the connections
 * of one publishable key. The accessors of the claims read through to it.
 *
 * @param peerId the JWT {@code sub}, or a fresh random UUID for a publishable key
 * @param access the app, channels, actions, claims, expiry and credential — the credential (the
 *     publishable key, or the id of the secret key that signed the JWT): a configuration reload
 *     that removes or re-keys it closes the connection (4001)
 */
public record Grant(String peerId, Access access) {

    public Grant {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(access, "access");
    }

    public Grant(AppConfig app, String peerId, ChannelScope channels, Set<Action> actions, String peerMetadataJson,
                 String metadataJson, Long expiresAtEpochSeconds, String credential) {
        this(peerId, new Access(app, channels, actions, peerMetadataJson, metadataJson, expiresAtEpochSeconds,
                credential));
    }

    public AppConfig app() {
        return access.app();
    }

    public ChannelScope channels() {
        return access.channels();
    }

    public Set<Action> actions() {
        return access.actions();
    }

    public String peerMetadataJson() {
        return access.peerMetadataJson();
    }

    public String metadataJson() {
        return access.metadataJson();
    }

    public Long expiresAtEpochSeconds() {
        return access.expiresAtEpochSeconds();
    }

    public String credential() {
        return access.credential();
    }

    /**
     * The id of the secret key that signed the JWT, or {@code null} for a publishable key (whose
     * grant has no {@code exp}; a JWT without one is refused).
     */
    public String secretKeyId() {
        return expiresAtEpochSeconds() == null ? null : credential();
    }

    /** This grant with another expiry: what a token refresh changes (docs/protocol.md 9). */
    public Grant withExpiry(long expiresAtEpochSeconds) {
        Access a = access;
        return new Grant(peerId, new Access(a.app(), a.channels(), a.actions(), a.peerMetadataJson(),
                a.metadataJson(), expiresAtEpochSeconds, a.credential()));
    }

    /** Whether the connection may perform {@code action}. */
    public boolean can(Action action) {
        return access.actions().contains(action);
    }

    /** The channels and actions, as {@link Authorizer} checks them. */
    public Permissions permissions() {
        return new Permissions(access.channels(), access.actions());
    }
}

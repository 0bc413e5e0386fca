package ca.metered.realtime.server.auth;

import java.util.Objects;

/**
 * A freshly signed JWT and its {@code exp}: the {@code POST /v1/tokens} response
 * (docs/protocol.md 7). {@link #toString()} does not print the token, a bearer credential.
 *
 * <p>Immutable; thread-safe.
 *
 * @param token the compact JWS
 * @param expiresAtEpochSeconds the {@code exp} claim
 */
public record MintedToken(String token, long expiresAtEpochSeconds) {

    public MintedToken {
        Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
        return "MintedToken[token=<redacted>, expiresAtEpochSeconds=" + expiresAtEpochSeconds + "]";
    }
}

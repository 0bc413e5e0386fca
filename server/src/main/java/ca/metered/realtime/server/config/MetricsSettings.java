package ca.metered.realtime.server.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Who may read {@code GET /metrics} and where it is served (YAML section {@code metrics};
 * docs/operations.md "Metrics").
 *
 * <p>On the main port, loopback clients read it without credentials and everyone else needs
 * {@code Authorization: Bearer <bearerToken>}; without a token configured, only loopback
 * clients are served. With {@code port} set, {@code /metrics} moves to its own listener on
 * {@code host:port} (and leaves the main port), where it is open to whoever can reach that
 * address unless a token is configured.
 *
 * <p>Immutable; thread-safe.
 *
 * @param bearerToken the token non-loopback scrapers send; also {@code RMS_METRICS_TOKEN}
 * @param port a separate listener for {@code /metrics}; empty serves it on the main port
 * @param host the address of that listener; default {@code 127.0.0.1}
 */
public record MetricsSettings(Optional<String> bearerToken, OptionalInt port, String host) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Shorter tokens are refused: a scraper credential should not be guessable. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public MetricsSettings {
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(host, "host");
    }

    /** No token, served on the main port. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(Optional.empty(), OptionalInt.empty(), DEFAULT_HOST);
    }

    @Override
    public String toString() {
        return "MetricsSettings[bearerToken=" + bearerToken.map(t -> "<redacted>").orElse("none") + ", port="
                + port + ", host=" + host + "]";
    }
}

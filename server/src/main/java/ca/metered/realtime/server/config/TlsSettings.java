package ca.metered.realtime.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * PEM certificate chain and private key for TLS on the listener. {@link ConfigLoader} checks
 * both files exist and are readable, so a typo fails at start rather than at first handshake.
 *
 * <p>Immutable; thread-safe.
 *
 * @param certFile PEM certificate chain
 * @param keyFile PEM private key (PKCS#8)
 */
public record TlsSettings(Path certFile, Path keyFile) {

    public TlsSettings {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}

package ca.metered.realtime.server.transport;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * The credential of an upgrade request, from its query string (docs/protocol.md 1): at most one
 * {@code key} and at most one {@code token}. A parameter given twice is ambiguous (which one did
 * a proxy or a log see?) and so refused, like a query string that does not decode; the
 * authenticator decides the rest.
 *
 * <p>Immutable; thread-safe.
 *
 * @param key the {@code key} parameter, or {@code null}
 * @param token the {@code token} parameter, or {@code null}
 * @param problem why the query cannot be used, or {@code null}; never contains a credential
 */
record CredentialParams(String key, String token, String problem) {

    static CredentialParams of(String uri) {
        Map<String, List<String>> params;
        try {
            params = new QueryStringDecoder(uri).parameters();
        } catch (IllegalArgumentException e) {
            return new CredentialParams(null, null, "malformed query string");
        }
        List<String> keys = params.getOrDefault("key", List.of());
        List<String> tokens = params.getOrDefault("token", List.of());
        if (keys.size() > 1) {
            return new CredentialParams(null, null, "repeated key parameter");
        }
        if (tokens.size() > 1) {
            return new CredentialParams(null, null, "repeated token parameter");
        }
        return new CredentialParams(keys.isEmpty() ? null : keys.get(0), tokens.isEmpty() ? null : tokens.get(0), null);
    }
}

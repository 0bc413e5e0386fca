package ca.metered.realtime.examples;

import ca.metered.realtime.client.TokenProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The backend's half of JWT auth: mints peer tokens with {@code POST /v1/tokens} using a secret key
 * ({@code sk_id_…:sk_secret_…}, which never leaves the backend), and hands clients a
 * {@link TokenProvider} that mints a fresh token on every connect and reconnect.
 *
 * <p>In a real deployment the client asks <em>your</em> backend for a token (which authenticates the
 * user first); the examples call the REST API directly to stay self-contained. Thread-safe.
 */
public final class Tokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI tokensUri;
    private final String authorization;

    /**
     * @param url       the server origin as given to the SDK, e.g. {@code ws://127.0.0.1:8080}
     * @param secretKey {@code <sk_id>:<sk_secret>}
     */
    public Tokens(String url, String secretKey) {
        if (!secretKey.contains(":")) {
            throw new IllegalArgumentException("secret key must be <sk_id>:<sk_secret>");
        }
        this.tokensUri = URI.create(url.replaceFirst("^ws", "http") + "/v1/tokens");
        this.authorization = "Bearer " + secretKey;
    }

    /** What a token grants: {@code sub}, channel globs, actions and the peerMetadata others see. */
    public record Grant(String peerId, List<String> channels, List<String> permissions, Map<String, ?> peerMetadata) {
        public Grant {
            channels = List.copyOf(channels);
            permissions = List.copyOf(permissions);
        }
    }

    /** Mints one JWT (blocking). */
    public String mint(Grant grant) {
        ObjectNode body = JSON.createObjectNode();
        body.put("peerId", grant.peerId());
        grant.channels().forEach(body.putArray("channels")::add);
        grant.permissions().forEach(body.putArray("permissions")::add);
        body.put("expiresInSec", 3600);
        if (grant.peerMetadata() != null) {
            body.set("peerMetadata", JSON.valueToTree(grant.peerMetadata()));
        }
        HttpRequest request = HttpRequest.newBuilder(tokensUri).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("POST /v1/tokens -> " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body()).get("token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while minting a token", e);
        }
    }

    /**
     * A provider that mints a fresh token for every connect and reconnect, so an expired token
     * (close 4002) heals on the next attempt. The blocking HTTP call runs off the client's threads.
     */
    public TokenProvider provider(Grant grant) {
        return TokenProvider.blocking(() -> mint(grant));
    }
}

package ca.metered.realtime.client.it;

import ca.metered.realtime.server.RmsNode;
import ca.metered.realtime.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The real server, in-process on loopback, for the integration tests of the SDK and of the modules
 * built on it ({@code sdk-webrtc}, {@code examples}), which get it through sdk's test-jar.
 */
public final class RealServer implements AutoCloseable {
    public static final String PK = "pk_live_demo";
    /** The secret key pair, {@code sk_id_…:sk_secret_…}. */
    public static final String SECRET_KEY = "sk_id_demo:sk_secret_demo_change_me";
    public static final String BEARER = "Bearer " + SECRET_KEY;

    static final String YAML = """
            server:
              host: 127.0.0.1
              port: %d
            apps:
              - id: demo
                publishableKeys:
                  - key: pk_live_demo
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                    allowedOrigins: []
                secretKeys:
                  - id: sk_id_demo
                    secret: sk_secret_demo_change_me
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                limits:
                  maxMessageSize: 65536
                  maxChannelsPerConnection: 100
                  messageRate: 1000
                  messageBurst: 2000
                  maxConcurrentConnections: 10000
                  maxMessagesPerPeriod: 0
                history:
                  - channels: ["hist/**"]
                    size: 100
                    ttl: 10m
            """;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final RmsNode server;

    private RealServer(RmsNode server) {
        this.server = server;
    }

    public static RealServer start(int port) {
        return start(port, "");
    }

    /** The same server with more top-level YAML, e.g. an {@code iceServers:} block (docs/turn.md). */
    public static RealServer start(int port, String topLevelYaml) {
        try {
            return new RealServer(RmsNode.start(ConfigLoader.parse(YAML.formatted(port) + topLevelYaml, Map.of())));
        } catch (Exception e) {
            throw new IllegalStateException("server did not start", e);
        }
    }

    public int port() {
        return server.port();
    }

    /** The origin the SDK takes as {@code url}. */
    public String url() {
        return "ws://127.0.0.1:" + server.port();
    }

    public String rest(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", BEARER)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** A JWT for {@code peerId} from the server's REST API (a stable id across reconnects). */
    public String mint(String peerId) {
        return mint(peerId, 3600);
    }

    /** A JWT for {@code peerId} that expires in {@code expiresInSec}. */
    public String mint(String peerId, long expiresInSec) {
        try {
            String body = rest("POST", "/v1/tokens", "{\"peerId\":\"" + peerId + "\",\"expiresInSec\":" + expiresInSec + "}");
            return com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(body).get("token").asText();
        } catch (Exception e) {
            throw new IllegalStateException("minting a token failed", e);
        }
    }
}

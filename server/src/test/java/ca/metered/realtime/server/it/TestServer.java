package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.RmsNode;
import ca.metered.realtime.server.connection.Connection;
import ca.metered.realtime.server.config.ConfigLoader;
import ca.metered.realtime.server.config.ServerConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A real server on an ephemeral loopback port for integration tests, configured from YAML.
 * {@link #DEFAULT_YAML} is the sample configuration of the issue plus a narrow key and a
 * second app; tests that need other limits pass their own YAML.
 */
public final class TestServer implements AutoCloseable {
    public static final String PK = "pk_live_demo";
    public static final String SK_ID = "sk_id_demo";
    public static final String SK_SECRET = "sk_secret_demo_change_me";
    public static final String BEARER = "Bearer " + SK_ID + ":" + SK_SECRET;

    /**
     * Two worker loops whatever the machine (its default is one per core but one, so one on a
     * 2-core CI host): the tests on this configuration then cross loops — a publish fanned out
     * to subscribers of another loop, presence between members of two loops ({@code
     * DrainHandoff}) — while those that pass their own YAML run on the default.
     */
    public static final String DEFAULT_YAML = """
            server:
              host: 127.0.0.1
              port: 0
              eventLoopThreads: 2
            apps:
              - id: demo
                publishableKeys:
                  - key: pk_live_demo
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                    allowedOrigins: []
                  - key: pk_live_narrow
                    channels: ["room-*"]
                    actions: [subscribe, publish]
                  - key: pk_live_origin
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                    allowedOrigins: ["https://app.example.com"]
                secretKeys:
                  - id: sk_id_demo
                    secret: sk_secret_demo_change_me
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                  - id: sk_id_narrow
                    secret: sk_secret_narrow_0123456789
                    channels: ["room-*"]
                    actions: [subscribe, publish]
                limits:
                  maxMessageSize: 65536
                  maxChannelsPerConnection: 100
                  messageRate: 100
                  messageBurst: 200
                  maxConcurrentConnections: 10000
                  maxMessagesPerPeriod: 0
              - id: other
                publishableKeys:
                  - key: pk_live_other
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                secretKeys:
                  - id: sk_id_other
                    secret: sk_secret_other_0123456789
              - id: suspended
                enabled: false
                publishableKeys:
                  - key: pk_live_off
                    channels: ["**"]
            """;

    /**
     * A one-app configuration (app {@code demo}, key {@code pk_live_demo} with every action, secret
     * key {@code sk_id_demo}) with extra {@code server} settings and app {@code limits}, each a
     * YAML fragment without indentation (either may be empty).
     */
    public static String singleApp(String serverExtra, String limits) {
        return "server:\n  host: 127.0.0.1\n  port: 0\n" + serverExtra.stripIndent().indent(2)
                + "apps:\n"
                + "  - id: demo\n"
                + "    publishableKeys:\n"
                + "      - key: pk_live_demo\n"
                + "        channels: [\"**\"]\n"
                + "        actions: [subscribe, publish, presence, send]\n"
                + "    secretKeys:\n"
                + "      - id: sk_id_demo\n"
                + "        secret: sk_secret_demo_change_me\n"
                + (limits.isBlank() ? "" : "    limits:\n" + limits.stripIndent().indent(6));
    }

    private final RmsNode server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(RmsNode server) {
        this.server = server;
    }

    public static TestServer start() {
        return start(DEFAULT_YAML);
    }

    public static TestServer start(String yaml) {
        try {
            ServerConfig config = ConfigLoader.parse(yaml, Map.of());
            return new TestServer(RmsNode.start(config));
        } catch (Exception e) {
            throw new IllegalStateException("test server did not start", e);
        }
    }

    /** A node of a cluster: the configuration joined to {@code cluster}. */
    public static TestServer start(String yaml, ca.metered.realtime.server.config.ClusterSettings cluster) {
        try {
            ServerConfig config = ConfigLoader.parse(yaml, Map.of()).withCluster(cluster);
            return new TestServer(RmsNode.start(config));
        } catch (Exception e) {
            throw new IllegalStateException("test server did not start", e);
        }
    }

    public RmsNode server() {
        return server;
    }

    /** The node's live connections now. */
    public java.util.List<Connection> connections() {
        return server.connections();
    }

    /** The live connection of {@code peerId} (there must be exactly one). */
    public Connection connection(String peerId) {
        java.util.List<Connection> found = connections().stream().filter(c -> c.peerId().equals(peerId)).toList();
        assertThat(found).as("connections of %s", peerId).hasSize(1);
        return found.get(0);
    }

    public int port() {
        return server.port();
    }

    public URI wsUri(String query) {
        return URI.create(server.url() + "/v1" + (query == null ? "" : "?" + query));
    }

    public URI keyUri(String key) {
        return wsUri("key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
    }

    public URI tokenUri(String token) {
        return wsUri("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    /** Opens a client with the default publishable key and waits for its welcome. */
    public WsClient client() {
        WsClient c = WsClient.connect(keyUri(PK));
        c.expect("welcome");
        return c;
    }

    public WsClient client(String key) {
        WsClient c = WsClient.connect(keyUri(key));
        c.expect("welcome");
        return c;
    }

    public URI httpUri(String path) {
        return URI.create(server.url().replaceFirst("^ws", "http") + path);
    }

    /** Sends a REST request; {@code auth} may be null. */
    public HttpResponse<String> rest(String method, String path, String auth, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(httpUri(path)).timeout(Duration.ofSeconds(10));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    /**
     * Mints a JWT for {@code peerId} through {@code POST /v1/tokens} with the demo secret key;
     * {@code extraJson} is more body fields without braces (e.g. {@code "permissions":["subscribe"]}),
     * or empty.
     */
    public String token(String peerId, String extraJson) {
        String body = "{\"peerId\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(peerId)
                + (extraJson.isBlank() ? "" : "," + extraJson) + "}";
        HttpResponse<String> r = rest("POST", "/v1/tokens", BEARER, body);
        if (r.statusCode() != 200) {
            throw new AssertionError("token mint failed: " + r.statusCode() + " " + r.body());
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("token").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits (deadline-bounded) until the node holds exactly {@code n} live sessions, i.e. every
     * closed connection has been released and its presence {@code left} sent.
     */
    public void awaitSessionCount(int n) {
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        while (connections().size() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("sessions: " + connections().size() + ", expected " + n);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // polling a condition with a deadline
        }
    }

    /** Opens a client with a JWT and waits for its welcome. */
    public WsClient tokenClient(String token) {
        WsClient c = WsClient.connect(tokenUri(token));
        c.expect("welcome");
        return c;
    }

    @Override
    public void close() {
        server.stop();
    }
}

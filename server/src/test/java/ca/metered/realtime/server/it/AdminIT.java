package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The admin API over real sockets: authentication (401), the CSRF header, data that matches the clients, actions and their audit lines. */
class AdminIT {
    static final String PASSWORD = "correct-horse-battery";
    static final String YAML = TestServer.DEFAULT_YAML + "admin:\n  username: ops\n  password: " + PASSWORD + "\n";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestServer server;
    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();

    @BeforeAll
    static void start() {
        server = TestServer.start(YAML);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void captureAudit() {
        audit.start();
        Logger logger = (Logger) LoggerFactory.getLogger("rms.audit");
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // the tests' root level is WARN
        logger.addAppender(audit);
    }

    @AfterEach
    void releaseAudit() {
        Logger logger = (Logger) LoggerFactory.getLogger("rms.audit");
        logger.detachAppender(audit);
        logger.setLevel(null);
    }

    static HttpResponse<String> call(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.httpUri(path)).timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path, e);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Logs in and returns the Cookie header value. */
    static String login() {
        HttpResponse<String> r = call("POST", "/admin/api/login", Map.of("X-Rms-Admin", "1", "Content-Type",
                "application/json"), "{\"username\":\"ops\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("rms_admin=", "SameSite=Strict", "Path=/admin/").containsIgnoringCase("HttpOnly");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }

    private List<String> auditLines() {
        return audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void withoutValidCredentialsEverythingAnswers401() {
        HttpResponse<String> page = call("GET", "/admin/", Map.of(), null);
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.body()).contains("assets/admin.js");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");

        HttpResponse<String> api = call("GET", "/admin/api/overview", Map.of(), null);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"rms admin\", charset=\"UTF-8\"");
        assertThat(call("GET", "/admin/api/overview", Map.of("X-Rms-Admin", "1"), null).headers()
                .firstValue("WWW-Authenticate")).as("the page's own requests get no browser prompt").isEmpty();
        assertThat(call("GET", "/admin/api/overview", Map.of("Authorization", basic("ops", "wrong-password!")), null)
                .statusCode()).isEqualTo(401);
        assertThat(call("GET", "/admin/api/overview", Map.of("Cookie", "rms_admin=made-up"), null).statusCode())
                .isEqualTo(401);
        assertThat(call("GET", "/admin/api/events", Map.of(), null).statusCode()).isEqualTo(401);

        HttpResponse<String> bad = call("POST", "/admin/api/login", Map.of("X-Rms-Admin", "1"),
                "{\"username\":\"ops\",\"password\":\"guess-guess-guess\"}");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(auditLines()).anyMatch(l -> l.equals("admin login failed by ops from 127.0.0.1: wrong username or password"));
    }

    @Test
    void aLoginOpensThePageAndTheApiAndBasicCredentialsWorkForScripts() {
        String cookie = login();
        assertThat(call("GET", "/admin/", Map.of("Cookie", cookie), null).statusCode()).isEqualTo(200);
        assertThat(json(call("GET", "/admin/api/session", Map.of("Cookie", cookie), null)).path("username").asText())
                .isEqualTo("ops");
        assertThat(call("GET", "/admin/api/overview", Map.of("Authorization", basic("ops", PASSWORD)), null)
                .statusCode()).isEqualTo(200);
        assertThat(call("GET", "/admin/assets/admin.css", Map.of(), null).statusCode()).isEqualTo(200);
        assertThat(auditLines()).anyMatch(l -> l.equals("admin login ok by ops from 127.0.0.1"));

        HttpResponse<String> noHeader = call("POST", "/admin/api/config/reload", Map.of("Cookie", cookie), null);
        assertThat(noHeader.statusCode()).as("an action without X-Rms-Admin").isEqualTo(403);

        HttpResponse<String> out = call("POST", "/admin/api/logout", Map.of("Cookie", cookie, "X-Rms-Admin", "1"), null);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(call("GET", "/admin/api/session", Map.of("Cookie", cookie), null).statusCode()).isEqualTo(401);
    }

    @Test
    void theNumbersShownAreWhatTheClientsDid() throws Exception {
        String cookie = login();
        Map<String, String> auth = Map.of("Cookie", cookie);
        try (WsClient alice = WsClient.connect(server.tokenUri(server.token("alice",
                "\"peerMetadata\":{\"name\":\"Alice\"}"))); WsClient bob = server.client()) {
            alice.expect("welcome");
            alice.subscribe("lobby");
            bob.subscribe("lobby");
            for (int i = 0; i < 3; i++) {
                bob.sendJson("type", "publish", "channel", "lobby", "data", Map.of("i", i), "requestId", "p" + i);
                bob.skipUntil("ack");
            }
            alice.skipUntil("message");

            JsonNode apps = json(call("GET", "/admin/api/apps", auth, null)).path("apps");
            JsonNode demo = null;
            for (JsonNode a : apps) {
                if (a.path("id").asText().equals("demo")) {
                    demo = a;
                }
            }
            assertThat(demo).isNotNull();
            assertThat(demo.path("connections").asInt()).isEqualTo(2);
            assertThat(demo.path("clusterConnections").asInt()).isEqualTo(2);
            assertThat(demo.path("received").asInt()).isEqualTo(3);
            assertThat(demo.path("limits").path("maxConcurrentConnections").asInt()).isEqualTo(10000);
            assertThat(demo.toString()).doesNotContain("sk_secret");

            JsonNode channels = json(call("GET", "/admin/api/apps/demo/channels", auth, null));
            assertThat(channels.path("channels").get(0).path("name").asText()).isEqualTo("lobby");
            assertThat(channels.path("channels").get(0).path("subscribers").asInt()).isEqualTo(2);
            JsonNode lobby = json(call("GET", "/admin/api/apps/demo/channels/lobby", auth, null));
            assertThat(lobby.path("members").toString()).contains("\"peerId\":\"alice\"", "\"name\":\"Alice\"");
            assertThat(lobby.path("subscribers")).hasSize(2);

            JsonNode peer = json(call("GET", "/admin/api/apps/demo/peers/alice", auth, null));
            assertThat(peer.path("connections")).hasSize(1);
            assertThat(peer.path("connections").get(0).path("channels").toString()).contains("lobby");
            assertThat(peer.path("connections").get(0).path("credential").asText()).isEqualTo("sk_id_demo");
            assertThat(peer.path("connections").get(0).path("remoteAddress").asText()).isEqualTo("127.0.0.1");

            JsonNode list = json(call("GET", "/admin/api/connections?app=demo", auth, null));
            assertThat(list.path("total").asInt()).isEqualTo(2);

            HttpResponse<String> kick = call("POST", "/admin/api/apps/demo/peers/alice/kick",
                    Map.of("Cookie", cookie, "X-Rms-Admin", "1"), "{}");
            assertThat(kick.statusCode()).as(kick.body()).isEqualTo(200);
            assertThat(alice.awaitClose().code()).isEqualTo(4020);
            assertThat(auditLines()).anyMatch(l -> l.equals("admin kick ok demo/alice by ops from 127.0.0.1: closed 4020"));
        }
    }

    @Test
    void aMintedTokenConnectsAndTheConfigShowsNoSecret() {
        String cookie = login();
        HttpResponse<String> r = call("POST", "/admin/api/apps/demo/tokens",
                Map.of("Cookie", cookie, "X-Rms-Admin", "1", "Content-Type", "application/json"),
                "{\"keyId\":\"sk_id_demo\",\"peerId\":\"carol\",\"expiresInSec\":600,\"peerMetadata\":{\"n\":1}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode minted = json(r);
        assertThat(minted.path("claims").path("sub").asText()).isEqualTo("carol");
        try (WsClient carol = WsClient.connect(server.tokenUri(minted.path("token").asText()))) {
            assertThat(carol.expect("welcome").path("peerId").asText()).isEqualTo("carol");
        }
        assertThat(auditLines()).anyMatch(l -> l.startsWith("admin token.mint ok demo/carol by ops from 127.0.0.1: key sk_id_demo"));
        assertThat(auditLines()).noneMatch(l -> l.contains(minted.path("token").asText()));

        HttpResponse<String> config = call("GET", "/admin/api/config", Map.of("Cookie", cookie), null);
        assertThat(config.body()).contains("\"secret\":\"********\"", "\"password\":\"********\"")
                .doesNotContain("sk_secret_demo_change_me", PASSWORD);
        assertThat(json(config).path("config").path("server").path("ping").path("interval").asText()).isEqualTo("30s");

        HttpResponse<String> unknownApp = call("GET", "/admin/api/apps/nope/channels", Map.of("Cookie", cookie), null);
        assertThat(unknownApp.statusCode()).isEqualTo(404);
    }

    @Test
    void theEventStreamSendsASampleEverySecondAndOutlivesTheRequestDeadline() throws Exception {
        // A 1 s request deadline: a plain HTTP connection idle that long is closed; the stream is not.
        String yaml = YAML.replace("  port: 0\n", "  port: 0\n  connections:\n    requestTimeout: 1s\n");
        try (TestServer own = TestServer.start(yaml); WsClient c = own.client()) {
            HttpResponse<String> in = HTTP.send(HttpRequest.newBuilder(own.httpUri("/admin/api/login"))
                    .header("X-Rms-Admin", "1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"ops\",\"password\":\"" + PASSWORD + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String setCookie = in.headers().firstValue("Set-Cookie").orElseThrow();
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            HttpRequest req = HttpRequest.newBuilder(own.httpUri("/admin/api/events")).header("Cookie", cookie)
                    .timeout(Duration.ofSeconds(30)).build();
            HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                JsonNode sample = null;
                String event = null;
                int samples = 0;
                long first = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (samples < 4 && System.nanoTime() < deadline) {
                    String line = lines.readLine();
                    if (line == null) {
                        break;
                    }
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && "sample".equals(event)) {
                        sample = JSON.readTree(line.substring(6));
                        first = first == 0 ? System.nanoTime() : first;
                        samples++;
                    }
                }
                assertThat(samples).as("samples before the stream ended").isEqualTo(4);
                assertThat(Duration.ofNanos(System.nanoTime() - first)).isGreaterThan(Duration.ofSeconds(2));
                assertThat(sample.path("connections").asInt()).isEqualTo(1);
                assertThat(sample.path("heapUsedBytes").asLong()).isPositive();
            }
        }
    }

    @Test
    void repeatedFailedLoginsAreThrottled() {
        // One address (forwarded by the trusted loopback proxy) so this test does not lock out the others.
        Map<String, String> from = Map.of("X-Rms-Admin", "1", "X-Forwarded-For", "198.51.100.4");
        for (int i = 0; i < 10; i++) {
            assertThat(call("POST", "/admin/api/login", from, "{\"username\":\"ops\",\"password\":\"nope-nope-nope\"}")
                    .statusCode()).isEqualTo(401);
        }
        HttpResponse<String> locked = call("POST", "/admin/api/login", from,
                "{\"username\":\"ops\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(locked.statusCode()).isEqualTo(429);
    }

    @Test
    void withoutAnAdminSectionTheDashboardIsOff() {
        try (TestServer plain = TestServer.start()) {
            HttpRequest req = HttpRequest.newBuilder(plain.httpUri("/admin/")).build();
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("admin section");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

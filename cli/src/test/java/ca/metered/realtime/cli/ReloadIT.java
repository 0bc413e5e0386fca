package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -HUP} on a real {@code rms serve} process reloads the file given to
 * {@code --config}: an added app is served, a disabled app's live sessions close with 4012, a
 * rotated secret's sessions with 4001 and its old secret stops working, and an invalid file is
 * refused with the one-line error of a start while the running configuration stays. Every
 * reload is audited; with {@code logging.format: json} the log is JSON lines whose connection
 * lines carry the connection id, app, peer and remote address.
 */
class ReloadIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String config(boolean pausedEnabled, String secret, boolean withAddedApp, String extra) {
        return """
                server:
                  host: 127.0.0.1
                apps:
                  - id: demo
                    publishableKeys:
                      - key: pk_live_demo
                        channels: ["**"]
                    secretKeys:
                      - id: sk_id_demo
                        secret: %s
                  - id: paused
                    enabled: %s
                    publishableKeys:
                      - key: pk_live_paused
                        channels: ["**"]
                """.formatted(secret, pausedEnabled)
                + (withAddedApp ? """
                  - id: added
                    publishableKeys:
                      - key: pk_live_added
                        channels: ["**"]
                """ : "") + extra;
    }

    @TempDir
    Path dir;

    @Test
    void sighupAppliesAValidFileToLiveSessionsAndRefusesAnInvalidOne() throws Exception {
        Path file = dir.resolve("rms.yaml");
        String secretA = "sk_secret_before_0123456789";
        String secretB = "sk_secret_after_9876543210";
        Files.writeString(file, config(true, secretA, false, ""));
        try (RmsProcess rms = RmsProcess.start(dir, Map.of(), "serve", "--config", file.toString(), "--port", "0")) {
            String url = url(rms);
            String http = url.replaceFirst("^ws", "http");
            ServeIT.Client paused = welcomed(url + "/v1?key=pk_live_paused");
            ServeIT.Client demo = welcomed(url + "/v1?key=pk_live_demo");
            String tokenA = token(http, secretA, "alice");
            ServeIT.Client alice = welcomed(url + "/v1?token=" + URLEncoder.encode(tokenA, StandardCharsets.UTF_8));
            assertThat(refusedWith(url + "/v1?key=pk_live_added")).as("not configured yet").isEqualTo(4001);

            Files.writeString(file, config(false, secretB, true, ""));
            hup(rms);

            assertThat(paused.closed.get(30, TimeUnit.SECONDS)).as("the disabled app's session").isEqualTo(4012);
            assertThat(alice.closed.get(30, TimeUnit.SECONDS)).as("a session on the rotated secret").isEqualTo(4001);
            welcomed(url + "/v1?key=pk_live_added").sendText("{\"type\":\"ping\"}");
            assertThat(refusedWith(url + "/v1?key=pk_live_paused")).isEqualTo(4012);
            assertThat(tokenStatus(http, secretA, "alice")).as("the old secret").isEqualTo(401);
            String tokenB = token(http, secretB, "alice");
            welcomed(url + "/v1?token=" + URLEncoder.encode(tokenB, StandardCharsets.UTF_8));
            assertThat(demo.closed).as("an untouched app's session stays").isNotDone();
            awaitStderr(rms, l -> l.contains("admin config.reload applied by SIGHUP")
                    && l.contains("apps added added") && l.contains("apps disabled paused")
                    && l.contains("secrets rotated demo/sk_id_demo"));

            // An invalid file: refused with the message a start gives, and nothing changes.
            String invalid = config(false, secretB, true, "").replace("  - id: demo\n",
                    "  - id: demo\n    limits:\n      messageRate: -1\n");
            Path startCheck = dir.resolve("invalid.yaml");
            Files.writeString(startCheck, invalid);
            String startupError = startupError(startCheck).replace(startCheck.toString(), file.toString());
            assertThat(startupError).isEqualTo(file + ": apps[0].limits.messageRate: must be > 0");
            Files.writeString(file, invalid);
            hup(rms);
            awaitStderr(rms, l -> l.contains("config reload refused, the running configuration stays: " + startupError));
            awaitStderr(rms, l -> l.contains("admin config.reload refused by SIGHUP: " + startupError));
            welcomed(url + "/v1?key=pk_live_added");
            assertThat(demo.closed).isNotDone();
            assertThat(rms.process.isAlive()).isTrue();
        }
    }

    @Test
    void jsonLogsCarryTheConnectionAndAuditFields() throws Exception {
        Path file = dir.resolve("rms.yaml");
        Files.writeString(file, config(true, "sk_secret_before_0123456789", false, "logging:\n  format: json\n"));
        try (RmsProcess rms = RmsProcess.start(dir, Map.of("RMS_LOG_LEVEL", "DEBUG"), "serve", "--config",
                file.toString(), "--port", "0")) {
            String url = url(rms);
            welcomed(url + "/v1?key=pk_live_demo");
            JsonNode opened = awaitJsonLine(rms, n -> n.path("formattedMessage").asText().equals("connection opened"));
            Map<String, String> kv = kvp(opened);
            assertThat(kv).containsEntry("app", "demo").containsEntry("remote", "127.0.0.1")
                    .containsKeys("connection", "peer");
            assertThat(opened.path("level").asText()).isEqualTo("DEBUG");
            assertThat(opened.path("loggerName").asText()).endsWith("Connections");

            hup(rms);
            JsonNode audit = awaitJsonLine(rms, n -> n.path("loggerName").asText().equals("rms.audit"));
            assertThat(kvp(audit)).containsEntry("action", "config.reload").containsEntry("user", "SIGHUP")
                    .containsEntry("outcome", "applied");
        }
    }

    private static String url(RmsProcess rms) throws InterruptedException {
        String line = rms.awaitLine(l -> l.startsWith("rms listening on "));
        return line.substring("rms listening on ".length(), line.indexOf(' ', "rms listening on ".length()));
    }

    private static ServeIT.Client welcomed(String uri) throws Exception {
        ServeIT.Client c = ServeIT.Client.connect(URI.create(uri));
        assertThat(c.next()).contains("\"type\":\"welcome\"");
        return c;
    }

    private static int refusedWith(String uri) throws Exception {
        ServeIT.Client c = ServeIT.Client.connect(URI.create(uri));
        return c.closed.get(30, TimeUnit.SECONDS);
    }

    private static void hup(RmsProcess rms) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(rms.process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static HttpResponse<String> tokenRequest(String http, String secret, String peer) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(http + "/v1/tokens"))
                .header("Authorization", "Bearer sk_id_demo:" + secret)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"peerId\":\"" + peer + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aServerStartedWithSighupIgnoredSaysThatSighupWillNotReload() throws Exception {
        Path file = dir.resolve("rms.yaml");
        Files.writeString(file, config(true, "sk_secret_before_0123456789", false, ""));
        // nohup starts java with SIGHUP ignored, as an operator's `nohup rms serve &` would
        try (RmsProcess rms = RmsProcess.startWrapped(dir, Map.of(), List.of("nohup"), "serve", "--config",
                file.toString(), "--port", "0")) {
            url(rms);
            awaitStderr(rms, l -> l.contains("WARN") && l.contains("SIGHUP is ignored by this process"));
        }
        try (RmsProcess rms = RmsProcess.start(dir, Map.of(), "serve", "--config", file.toString(), "--port", "0")) {
            url(rms); // the listening line comes after the handlers are in place
            assertThat(rms.stderrText()).doesNotContain("SIGHUP is ignored");
        }
    }

    private static int tokenStatus(String http, String secret, String peer) throws Exception {
        return tokenRequest(http, secret, peer).statusCode();
    }

    private static String token(String http, String secret, String peer) throws Exception {
        HttpResponse<String> r = tokenRequest(http, secret, peer);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("token").asText();
    }

    /** What {@code rms serve} prints when it cannot start with {@code file} (exit 2, one line). */
    private String startupError(Path file) throws Exception {
        try (RmsProcess bad = RmsProcess.start(dir, Map.of(), "serve", "--config", file.toString(), "--port", "0")) {
            assertThat(bad.awaitExit()).isEqualTo(2);
            String err = bad.stderrText().strip();
            assertThat(err.lines()).hasSize(1);
            return err.replaceFirst("^rms: ", "");
        }
    }

    private static void awaitStderr(RmsProcess rms, Predicate<String> line) throws InterruptedException {
        long deadline = System.nanoTime() + RmsProcess.WAIT.toNanos();
        while (rms.stderrText().lines().noneMatch(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching stderr line; stderr:\n" + rms.stderrText());
            }
            Thread.sleep(50); // polling a file another process writes, with a deadline
        }
    }

    private static JsonNode awaitJsonLine(RmsProcess rms, Predicate<JsonNode> match) throws Exception {
        long deadline = System.nanoTime() + RmsProcess.WAIT.toNanos();
        while (true) {
            for (String line : rms.stderrText().lines().toList()) {
                JsonNode n = JSON.readTree(line); // every line is JSON: a text line fails here
                if (match.test(n)) {
                    return n;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching JSON line; stderr:\n" + rms.stderrText());
            }
            Thread.sleep(50); // polling a file another process writes, with a deadline
        }
    }

    /** Logback's JsonEncoder writes key-value pairs as {@code "kvpList": [{"key": "value"}, …]}. */
    private static Map<String, String> kvp(JsonNode line) {
        Map<String, String> out = new java.util.HashMap<>();
        line.path("kvpList").forEach(pair -> pair.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText())));
        return out;
    }
}

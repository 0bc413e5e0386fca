package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rms serve} as a real process: startup line, graceful SIGTERM, port clash, dev mode keys. */
class ServeIT {
    private static final Pattern LISTENING = Pattern.compile("rms listening on (ws://\\S+)");

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path config = dir.resolve("rms.yaml");
        Files.writeString(config, TokenCommandTest.YAML);
        return config;
    }

    private static String url(String line) {
        Matcher m = LISTENING.matcher(line);
        assertThat(m.find()).as("line %s", line).isTrue();
        return m.group(1);
    }

    @Test
    void sigtermSendsGoingAwayThenCloses1001AndExitsZero() throws Exception {
        try (RmsProcess rms = RmsProcess.start(dir, Map.of(), "serve", "--config", config().toString(), "--port", "0")) {
            String url = url(rms.awaitLine(l -> l.startsWith("rms listening on ws://")));
            assertThat(url).startsWith("ws://127.0.0.1:").doesNotEndWith(":0");
            Client client = Client.connect(URI.create(url + "/v1?key=pk_live_demo"));
            assertThat(client.next()).contains("\"type\":\"welcome\"");

            rms.process.destroy(); // SIGTERM on Linux

            String goingAway = client.next();
            assertThat(goingAway).contains("\"type\":\"going_away\"").contains("retryAfterMs");
            assertThat(client.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1001);
            assertThat(rms.awaitExit()).as("exit code; stderr %s", rms.stderrText()).isZero();
        }
    }

    @Test
    void versionIsTheProjectVersionFromTheBuild() throws Exception {
        String expected = System.getProperty("rms.projectVersion");
        assertThat(expected).as("set by the cli pom").isNotBlank();
        try (RmsProcess rms = RmsProcess.start(dir, Map.of(), "--version")) {
            assertThat(rms.awaitExit()).isZero();
            assertThat(rms.awaitLine(l -> !l.isBlank())).isEqualTo("rms " + expected);
        }
    }

    @Test
    void sigtermRightAfterTheListeningLineStillExitsZero() throws Exception {
        try (RmsProcess rms = RmsProcess.start(dir, Map.of(), "serve", "--config", config().toString(), "--port", "0")) {
            rms.awaitLine(l -> l.startsWith("rms listening on ws://"));
            rms.process.destroy();
            assertThat(rms.awaitExit()).as("exit code; stderr %s", rms.stderrText()).isZero();
        }
    }

    @Test
    void portAlreadyInUseIsOneLineOnStderrAndNonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                RmsProcess rms = RmsProcess.start(dir, Map.of(), "serve", "--config", config().toString(),
                        "--port", Integer.toString(taken.getLocalPort()))) {
            assertThat(rms.awaitExit()).isNotZero();
            List<String> err = rms.stderrText().lines().toList();
            assertThat(err).as("stderr").hasSize(1);
            assertThat(err.get(0)).startsWith("rms: ").contains(Integer.toString(taken.getLocalPort()))
                    .doesNotContain("Exception");
        }
    }

    @Test
    void unreachableRedisIsOneLineOnStderrAndNonZeroExit() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        try (RmsProcess rms = RmsProcess.start(dir, Map.of("RMS_REDIS_URL", "redis://127.0.0.1:" + closedPort),
                "serve", "--config", config().toString(), "--port", "0")) {
            assertThat(rms.awaitExit()).isNotZero();
            List<String> err = rms.stderrText().lines().toList();
            assertThat(err).as("stderr").hasSize(1);
            assertThat(err.get(0)).startsWith("rms: cannot connect to Redis at redis://127.0.0.1:" + closedPort)
                    .doesNotContain("Exception");
        }
    }

    @Test
    void missingConfigIsOneLineOnStderrAndNonZeroExit() throws Exception {
        try (RmsProcess rms = RmsProcess.start(dir, Map.of(), "serve", "--config", dir.resolve("nope.yaml").toString())) {
            assertThat(rms.awaitExit()).isNotZero();
            assertThat(rms.stderrText().lines().toList()).hasSize(1);
        }
    }

    @Test
    void devModeKeepsItsKeysInRmsHomeAcrossRuns() throws Exception {
        Path home = Files.createDirectories(dir.resolve("rms-home"));
        Map<String, String> env = Map.of("RMS_HOME", home.toString());
        List<String> first = devKeys(env);
        assertThat(Files.isRegularFile(home.resolve("dev.yaml"))).isTrue();
        List<String> second = devKeys(env);
        assertThat(first.get(0)).startsWith("pk_");
        assertThat(first.get(1)).startsWith("sk_id_");
        assertThat(first.get(2)).startsWith("sk_secret_");
        assertThat(second).isEqualTo(first);
    }

    /** Runs dev mode once: [publishable key, secret key id, secret]; checks the key works, then stops. */
    private List<String> devKeys(Map<String, String> env) throws Exception {
        try (RmsProcess rms = RmsProcess.start(dir, env, "serve", "--port", "0")) {
            String url = url(rms.awaitLine(l -> l.startsWith("rms listening on ws://")));
            String pk = value(rms.awaitLine(l -> l.contains("publishable key")));
            String id = value(rms.awaitLine(l -> l.contains("secret key id")));
            String secret = value(rms.awaitLine(l -> l.trim().startsWith("secret ")));
            // The banner's demo link works: the page (and the SDK the build bundled) are in the jar.
            String demo = rms.awaitLine(l -> l.contains("/demo/?key=")).trim();
            assertThat(demo).isEqualTo(url.replaceFirst("^ws", "http") + "/demo/?key=" + pk);
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(demo)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("demo.js");
            Client client = Client.connect(URI.create(url + "/v1?key=" + pk));
            assertThat(client.next()).contains("\"type\":\"welcome\"");
            rms.process.destroy();
            assertThat(rms.awaitExit()).isZero();
            return List.of(pk, id, secret);
        }
    }

    private static String value(String bannerLine) {
        return bannerLine.substring(bannerLine.indexOf(':') + 1).trim();
    }

    /** A minimal JDK WebSocket client: text frames in a queue, the close code in a future. */
    static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        private WebSocket ws;

        static Client connect(URI uri) throws Exception {
            Client c = new Client();
            c.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, c).get(10, TimeUnit.SECONDS);
            return c;
        }

        void sendText(String text) {
            ws.sendText(text, true).join();
        }

        String next() throws InterruptedException {
            String f = frames.poll(30, TimeUnit.SECONDS);
            assertThat(f).as("a frame within 30 s").isNotNull();
            return f;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}

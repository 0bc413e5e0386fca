package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball as a user gets it: built once by {@code scripts/dist.sh} (what
 * {@code ./rms dist} and {@code -Pdist} run), unpacked in a temp dir, and served by
 * {@code bin/rms} with an environment that has no JDK at all (an empty PATH, a JAVA_HOME that
 * does not exist): the jlink'd runtime inside the tarball runs it.
 */
class ReleaseIT {
    private static final Pattern LISTENING = Pattern.compile("rms listening on (wss?://127\\.0\\.0\\.1:(\\d+))");
    private static final String VERSION = System.getProperty("rms.projectVersion");

    @TempDir
    static Path dir;
    static Path home;
    static Map<String, String> noJdk;

    @BeforeAll
    static void buildAndUnpack() throws Exception {
        assertThat(VERSION).as("set by the cli pom").isNotBlank();
        Path out = dir.resolve("out");
        Path log = dir.resolve("dist.log");
        ProcessBuilder dist = new ProcessBuilder("bash", Path.of("..", "scripts", "dist.sh").toString(),
                RmsProcess.jar().toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        dist.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process build = dist.start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("dist.sh within 5 minutes").isTrue();
        assertThat(build.exitValue()).as("dist.sh: %s", Files.readString(log)).isZero();
        Path tarball = out.resolve("rms-" + VERSION + "-linux-x86_64.tar.gz");
        assertThat(Files.readString(log).strip()).endsWith(tarball.toString());

        Path unpacked = Files.createDirectories(dir.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(tar.exitValue()).isZero();
        home = unpacked.resolve("rms-" + VERSION);
        Path emptyBin = Files.createDirectories(dir.resolve("empty-bin"));
        noJdk = Map.of("PATH", emptyBin.toString(), "JAVA_HOME", dir.resolve("no-such-jdk").toString(),
                "HOME", dir.toString());
    }

    private static RmsProcess rms(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(home.resolve("bin/rms").toString());
        cmd.addAll(List.of(args));
        return RmsProcess.startIsolated(dir, noJdk, cmd);
    }

    @Test
    void theTarballHasTheLayoutTheDocsDescribe() {
        for (String file : new String[] {"bin/rms", "lib/rms.jar", "runtime/bin/java", "config/rms.example.yaml",
                "lib/jvm.options", "systemd/rms.service", "grafana/rms-dashboard.json", "LICENSE", "NOTICE", "README.md", "docs/operations.md", "docs/protocol.md"}) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        assertThat(home.resolve("bin/rms")).isExecutable();
        assertThat(home.resolve("runtime/bin/javac")).as("a runtime, not a JDK").doesNotExist();
        assertThat(home.resolve("runtime/jmods")).doesNotExist();
    }

    @Test
    void versionIsTheBuildsWithoutAJdk() throws Exception {
        try (RmsProcess rms = rms("--version")) {
            assertThat(rms.awaitExit()).as(rms.stderrText()).isZero();
            assertThat(rms.awaitLine(l -> !l.isBlank())).isEqualTo("rms " + VERSION);
        }
    }

    @Test
    void servesOnItsOwnRuntimeAndStopsGracefully() throws Exception {
        try (RmsProcess rms = rms("serve", "--config", home.resolve("config/rms.example.yaml").toString(),
                "--port", "0")) {
            Matcher m = LISTENING.matcher(rms.awaitLine(l -> l.startsWith("rms listening on ")));
            assertThat(m.find()).isTrue();
            String url = m.group(1);
            // bin/rms execs the bundled java: the process is the runtime's, not a system JDK's.
            Path exe = Path.of("/proc", Long.toString(rms.process.pid()), "exe").toRealPath();
            assertThat(exe).isEqualTo(home.resolve("runtime/bin/java").toRealPath());
            // ... started with rms's default JVM options (lib/jvm.options), which it logs as in effect.
            List<String> jvmArgs = List.of(Files.readString(Path.of("/proc", Long.toString(rms.process.pid()), "cmdline"))
                    .split("\0"));
            List<String> defaults = JvmDefaults.parse(Files.readString(home.resolve("lib/jvm.options")));
            assertThat(defaults).isNotEmpty().isEqualTo(JvmDefaults.shipped());
            assertThat(jvmArgs).containsSubsequence(defaults).containsSubsequence(List.of("-jar", home.resolve("lib/rms.jar").toString()));
            assertThat(jvmArgs.indexOf(defaults.get(0))).isLessThan(jvmArgs.indexOf("-jar"));
            assertThat(rms.stderrText()).contains("JVM options: ").doesNotContain("not the rms default");

            HttpClient http = HttpClient.newHttpClient();
            String base = url.replaceFirst("^ws", "http");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(root.body()).contains("\"version\":\"" + VERSION + "\"");

            ServeIT.Client client = ServeIT.Client.connect(URI.create(url + "/v1?key=pk_live_demo"));
            assertThat(client.next()).contains("\"type\":\"welcome\"");

            rms.process.destroy(); // SIGTERM
            assertThat(client.next()).contains("\"type\":\"going_away\"");
            assertThat(client.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1001);
            assertThat(rms.awaitExit()).as(rms.stderrText()).isZero();
        }
    }

    /** TLS with an elliptic-curve certificate needs jdk.crypto.ec, which jdeps cannot see. */
    @Test
    void servesTlsWithAnEcCertificate() throws Exception {
        Path cert = dir.resolve("ec-cert.pem");
        Path key = dir.resolve("ec-key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1")
                .redirectErrorStream(true).start();
        openssl.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as("openssl exit").isZero();
        Path config = dir.resolve("tls.yaml");
        Files.writeString(config, Files.readString(home.resolve("config/rms.example.yaml"))
                .replace("  port: 8080\n", "  port: 0\n  tls:\n    certFile: " + cert + "\n    keyFile: " + key + "\n"));

        try (RmsProcess rms = rms("serve", "--config", config.toString())) {
            Matcher m = LISTENING.matcher(rms.awaitLine(l -> l.startsWith("rms listening on ")));
            assertThat(m.find()).isTrue();
            assertThat(m.group(1)).startsWith("wss://");
            // openssl as the client: it verifies the chain against the certificate itself and
            // fails on any verification or handshake error; the server's answer comes back.
            Process client = new ProcessBuilder("openssl", "s_client", "-quiet", "-verify_return_error",
                    "-CAfile", cert.toString(), "-connect", "127.0.0.1:" + m.group(2))
                    .redirectErrorStream(true).start();
            client.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().close();
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).as(answer).isZero();
            assertThat(answer).contains("verify return:1").contains("HTTP/1.1 200 OK").contains("{\"status\":\"ok\"}");
            rms.process.destroy();
            assertThat(rms.awaitExit()).as(rms.stderrText()).isZero();
        }
    }
}

package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code rms serve} processes joined through a real {@code redis-server}
 * ({@code RMS_REDIS_URL}); one is killed with SIGKILL and the survivor must announce its peer's
 * departure within the default node timeout (10 s, target ≤ 15 s; docs/clustering.md).
 */
class ClusterKillIT {
    private static final Pattern LISTENING = Pattern.compile("rms listening on (ws://\\S+)");

    @TempDir
    Path dir;
    private RedisProcess redis;

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterEach
    void stopRedis() throws Exception {
        redis.close();
    }

    private RmsProcess node(Path config) throws IOException {
        return RmsProcess.start(dir, Map.of("RMS_REDIS_URL", redis.url()),
                "serve", "--config", config.toString(), "--port", "0");
    }

    private static String url(RmsProcess rms) throws InterruptedException {
        Matcher m = LISTENING.matcher(rms.awaitLine(l -> l.startsWith("rms listening on ws://")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String peerId(String welcome) {
        Matcher m = Pattern.compile("\"peerId\":\"([^\"]+)\"").matcher(welcome);
        assertThat(m.find()).as("welcome %s", welcome).isTrue();
        return m.group(1);
    }

    private static String nextOfType(ServeIT.Client c, String type) throws InterruptedException {
        while (true) {
            String f = c.next();
            if (f.contains("\"type\":\"" + type + "\"")) {
                return f;
            }
        }
    }

    @Test
    void sigkilledNodesPeersLeaveOnTheSurvivorWithinTheNodeTimeout() throws Exception {
        Path config = dir.resolve("rms.yaml");
        Files.writeString(config, TokenCommandTest.YAML);
        try (RmsProcess a = node(config); RmsProcess b = node(config)) {
            String urlA = url(a);
            String urlB = url(b);
            ServeIT.Client watcher = ServeIT.Client.connect(URI.create(urlA + "/v1?key=pk_live_demo"));
            watcher.next(); // welcome
            watcher.frames.clear();
            watcher.sendText("{\"type\":\"subscribe\",\"channel\":\"room\",\"requestId\":\"s\"}");
            assertThat(nextOfType(watcher, "ack")).contains("\"requestId\":\"s\"");
            nextOfType(watcher, "presence"); // snapshot

            ServeIT.Client victim = ServeIT.Client.connect(URI.create(urlB + "/v1?key=pk_live_demo"));
            String victimId = peerId(victim.next());
            victim.sendText("{\"type\":\"subscribe\",\"channel\":\"room\",\"requestId\":\"s\"}");
            assertThat(nextOfType(watcher, "presence")).contains("\"joined\":[{\"peerId\":\"" + victimId + "\"");
            victim.sendText("{\"type\":\"publish\",\"channel\":\"room\",\"data\":{\"hello\":1},\"requestId\":\"p\"}");
            assertThat(nextOfType(watcher, "message")).contains("\"from\":\"" + victimId + "\"");

            long t0 = System.nanoTime();
            b.process.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to Redis
            String left = nextOfType(watcher, "presence");
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            assertThat(left).contains("\"left\":[{\"peerId\":\"" + victimId + "\"");
            assertThat(ms).as("left after SIGKILL").isLessThanOrEqualTo(15_000);
            System.out.println("SIGKILLed node's peer left on the survivor after " + ms
                    + " ms (heartbeat 2 s, nodeTimeout 10 s)");
        }
    }
}

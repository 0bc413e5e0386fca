package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-config dev app's banner prints command lines a user pastes as they are: the listen,
 * publish and token lines run unchanged against the server that printed them, and
 * {@code rms token} without {@code --config} uses the same dev config as {@code rms serve}.
 */
class DevBannerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theBannersCommandLinesWorkAsPrinted() throws Exception {
        Path home = Files.createDirectories(dir.resolve("rms-home"));
        Map<String, String> env = Map.of("RMS_HOME", home.toString(), "RMS_COMMAND", "rms");
        try (RmsProcess server = RmsProcess.start(dir, env, "serve", "--port", "0")) {
            server.awaitLine(l -> l.startsWith("rms listening on ws://"));
            List<String> listen = args(server.awaitLine(l -> l.startsWith("  rms listen ")));
            List<String> publish = args(server.awaitLine(l -> l.startsWith("  rms publish ")));
            List<String> token = args(server.awaitLine(l -> l.startsWith("  rms token ")));
            String url = listen.get(listen.indexOf("--url") + 1);

            try (RmsProcess listener = RmsProcess.start(dir, Map.of(), listen.toArray(String[]::new))) {
                event(listener, "presence");
                CliRun pub = CliRun.of(publish.toArray(String[]::new));
                assertThat(pub.exitCode()).as(pub.err()).isZero();
                JsonNode message = event(listener, "message");
                assertThat(message.get("channel").asText()).isEqualTo("room-1");
                assertThat(message.get("data")).isEqualTo(JSON.readTree("{\"text\":\"hi\"}"));
                listener.process.toHandle().destroy();
                assertThat(listener.awaitExit()).isZero();
            }

            // RMS_HOME is not the default, so the banner names the file; the JWT works.
            assertThat(token).contains("--config");
            CliRun minted = CliRun.of(token.toArray(String[]::new));
            assertThat(minted.exitCode()).as(minted.err()).isZero();
            assertThat(welcome(url, minted.out().trim()).get("peerId").asText()).isEqualTo("alice");

            // Without --config (and --key-id), rms token reads the dev config rms serve uses.
            try (RmsProcess bob = RmsProcess.start(dir, env, "token", "--sub", "bob")) {
                assertThat(bob.awaitExit()).as(bob.stderrText()).isZero();
                String jwt = bob.awaitLine(l -> !l.isBlank());
                assertThat(welcome(url, jwt).get("peerId").asText()).isEqualTo("bob");
            }
            server.process.destroy();
            assertThat(server.awaitExit()).isZero();
        }
    }

    @Test
    void tokenWithoutConfigAndWithoutADevConfigSaysWhatToDo() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-home"));
        try (RmsProcess token = RmsProcess.start(dir, Map.of("RMS_HOME", empty.toString()), "token", "--sub", "a")) {
            assertThat(token.awaitExit()).isEqualTo(2);
            List<String> err = token.stderrText().lines().toList();
            assertThat(err).hasSize(1);
            assertThat(err.get(0)).startsWith("rms: no --config given and no dev config at " + empty.resolve("dev.yaml"))
                    .contains("run 'rms serve' once");
            assertThat(Files.exists(empty.resolve("dev.yaml"))).as("rms token creates no keys").isFalse();
        }
    }

    private static JsonNode welcome(String url, String jwt) throws Exception {
        ServeIT.Client client = ServeIT.Client.connect(URI.create(url + "/v1?token=" + jwt));
        JsonNode welcome = JSON.readTree(client.next());
        assertThat(welcome.get("type").asText()).isEqualTo("welcome");
        return welcome;
    }

    private static JsonNode event(RmsProcess p, String name) throws Exception {
        return JSON.readTree(p.awaitLine(l -> l.contains("\"event\":\"" + name + "\"")));
    }

    /** The arguments of a banner line "  rms <args>", split like a POSIX shell does for these lines. */
    static List<String> args(String line) {
        String text = line.trim();
        assertThat(text).startsWith("rms ");
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : text.substring(4).toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                inWord = true;
            } else if (c == ' ' && !quoted) {
                if (inWord) {
                    out.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        assertThat(quoted).as("balanced quotes in %s", line).isFalse();
        if (inWord) {
            out.add(word.toString());
        }
        return out;
    }
}

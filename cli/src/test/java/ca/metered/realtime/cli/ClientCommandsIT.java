package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rms listen}, {@code rms publish} and {@code rms send} as real processes of the packaged jar
 * against {@code rms serve} in another process: JSON lines, exit codes, one-line errors, and a
 * listener that outlives a server restart.
 */
class ClientCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("rms listening on (ws://127\\.0\\.0\\.1:(\\d+))");
    private static final String PK = "pk_live_demo";
    /** TokenCommandTest's config, with every action on the publishable key and history on hist/**. */
    private static final String YAML = TokenCommandTest.YAML.replace(
            "    channels: [\"**\"]\n    secretKeys:",
            "    channels: [\"**\"]\n        actions: [subscribe, publish, presence, send]\n    secretKeys:")
            + "    history:\n      - channels: [\"hist/**\"]\n        size: 100\n        ttl: 10m\n";

    @TempDir
    Path dir;
    private Path config;
    private RmsProcess server;
    private String url;
    private int port;
    private final List<RmsProcess> processes = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        config = dir.resolve("rms.yaml");
        Files.writeString(config, YAML);
        startServerOn(0);
    }

    private void startServerOn(int wanted) throws Exception {
        long deadline = System.nanoTime() + RmsProcess.WAIT.toNanos();
        while (true) {
            RmsProcess p = RmsProcess.start(dir, Map.of(), "serve", "--config", config.toString(),
                    "--port", Integer.toString(wanted));
            try {
                Matcher m = LISTENING.matcher(p.awaitLine(l -> l.startsWith("rms listening on ")));
                assertThat(m.find()).isTrue();
                url = m.group(1);
                port = Integer.parseInt(m.group(2));
                server = p;
                return;
            } catch (AssertionError e) {
                // The old socket may linger for a moment after a restart: retry a failed bind only.
                p.close();
                if (!p.stderrText().contains("in use") || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    @AfterEach
    void stopAll() {
        processes.forEach(RmsProcess::close);
        if (server != null) {
            server.close();
        }
    }

    private RmsProcess rms(String... args) throws Exception {
        RmsProcess p = RmsProcess.start(dir, Map.of(), args);
        processes.add(p);
        return p;
    }

    private RmsProcess listen(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("listen", "--url", url));
        args.addAll(List.of(extra));
        return rms(args.toArray(String[]::new));
    }

    /** Runs a one-shot command to completion: its exit code and stderr. */
    private Finished run(String... args) throws Exception {
        RmsProcess p = rms(args);
        int code = p.awaitExit();
        return new Finished(code, p.stderrText());
    }

    private record Finished(int exitCode, String stderr) {
    }

    private static JsonNode event(RmsProcess p, String name, Predicate<JsonNode> match) throws Exception {
        String line = p.awaitLine(l -> {
            JsonNode n = parse(l);
            return name.equals(n.path("event").asText()) && match.test(n);
        });
        return parse(line);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("stdout line is not JSON: " + line, e);
        }
    }

    private String token(String sub, String peerMetadata) {
        CliRun t = CliRun.of("token", "--config", config.toString(), "--key-id", "sk_id_demo", "--sub", sub,
                "--peer-metadata", peerMetadata);
        assertThat(t.exitCode()).as(t.err()).isZero();
        return t.out().trim();
    }

    @Test
    void listenPrintsPublishesAndDirectsAndPublishSendExitZeroAfterTheAck() throws Exception {
        RmsProcess listener = listen("--key", PK, "--channel", "room-1", "--channel", "fleet/*/telemetry");
        String peerId = event(listener, "connected", n -> true).get("peerId").asText();
        event(listener, "presence", n -> n.get("channel").asText().equals("fleet/*/telemetry"));

        assertThat(run("publish", "--url", url, "--key", PK, "--channel", "room-1", "--data", "{\"text\":\"hi\"}"))
                .isEqualTo(new Finished(0, ""));
        JsonNode m = event(listener, "message", n -> n.get("channel").asText().equals("room-1"));
        assertThat(m.get("data")).isEqualTo(JSON.readTree("{\"text\":\"hi\"}"));

        assertThat(run("publish", "--url", url, "--key", PK, "--channel", "fleet/sensor-7/telemetry", "--data", "21.5")
                .exitCode()).isZero();
        assertThat(event(listener, "message", n -> n.get("channel").asText().startsWith("fleet/"))
                .get("data").asDouble()).isEqualTo(21.5);

        assertThat(run("send", "--url", url, "--key", PK, "--to", peerId, "--data", "[\"ping\"]").exitCode()).isZero();
        assertThat(event(listener, "direct", n -> true).get("data")).isEqualTo(JSON.readTree("[\"ping\"]"));

        // SIGTERM through the handle: Process.destroy() would also close our end of its stdout.
        listener.process.toHandle().destroy();
        event(listener, "disconnected", n -> !n.get("willReconnect").asBoolean());
        assertThat(listener.awaitExit()).as(listener.stderrText()).isZero();
    }

    @Test
    void presenceAndSenderMetadataFromJwtPeersShowUpInTheLines() throws Exception {
        RmsProcess bob = listen("--token", token("bob", "{\"name\":\"Bob\"}"), "--channel", "room-md",
                "--include-sender-metadata");
        event(bob, "presence", n -> true);
        RmsProcess alice = listen("--token", token("alice", "{\"name\":\"Alice\"}"), "--channel", "room-md");
        JsonNode joined = event(bob, "presence", n -> n.get("joined").size() == 1);
        assertThat(joined.get("joined").get(0).get("peerId").asText()).isEqualTo("alice");
        assertThat(joined.get("joined").get(0).get("metadata")).isEqualTo(JSON.readTree("{\"name\":\"Alice\"}"));
        JsonNode snapshot = event(alice, "presence", n -> true);
        assertThat(snapshot.get("joined").get(0).get("peerId").asText()).isEqualTo("bob");

        assertThat(run("publish", "--url", url, "--token", token("carol", "{\"name\":\"Carol\"}"),
                "--channel", "room-md", "--data", "{\"t\":1}").exitCode()).isZero();
        JsonNode m = event(bob, "message", n -> true);
        assertThat(m.get("from").asText()).isEqualTo("carol");
        assertThat(m.get("fromMetadata")).isEqualTo(JSON.readTree("{\"name\":\"Carol\"}"));
    }

    @Test
    void failuresAreOneLineWithTheErrorCodeAndExitOne() throws Exception {
        Finished noPeer = run("send", "--url", url, "--key", PK, "--to", "nobody-here", "--data", "{}");
        assertThat(noPeer.exitCode()).isEqualTo(1);
        assertThat(noPeer.stderr().lines().toList()).singleElement().asString()
                .startsWith("rms: peer_not_found: ");

        Finished denied = run("publish", "--url", url, "--token", narrowToken(), "--channel", "elsewhere",
                "--data", "1");
        assertThat(denied.exitCode()).isEqualTo(1);
        assertThat(denied.stderr().lines().toList()).singleElement().asString()
                .startsWith("rms: channel_not_authorized: ");

        Finished badKey = run("publish", "--url", url, "--key", "pk_live_nope", "--channel", "c", "--data", "1");
        assertThat(badKey.exitCode()).isEqualTo(1);
        assertThat(badKey.stderr().lines().toList()).singleElement().asString()
                .startsWith("rms: signalling_connect_error: ").contains("close 4001");

        Finished badJson = run("publish", "--url", url, "--key", PK, "--channel", "c", "--data", "nope");
        assertThat(badJson.exitCode()).isEqualTo(2);
        assertThat(badJson.stderr()).startsWith("rms: --data is not valid JSON");
    }

    @Test
    void channelsAndPeerIdsTheProtocolForbidsAreUsageErrors() throws Exception {
        // The SDK fails the request's future with invalid_args (docs/protocol.md 2.4: 256 bytes, 5: printable ASCII).
        Finished longChannel = run("publish", "--url", url, "--key", PK, "--channel", "é".repeat(129), "--data", "1");
        assertThat(longChannel.exitCode()).isEqualTo(2);
        assertThat(longChannel.stderr().lines().toList()).singleElement().asString()
                .startsWith("rms: channel must be 1-256 bytes");
        Finished badPeer = run("send", "--url", url, "--key", PK, "--to", "caf\u00e9", "--data", "1");
        assertThat(badPeer.exitCode()).isEqualTo(2);
        assertThat(badPeer.stderr()).startsWith("rms: peerId must be 1-128 printable ASCII");
        RmsProcess listener = listen("--key", PK, "--channel", "ok", "--channel", "x".repeat(300));
        assertThat(listener.awaitExit()).isEqualTo(2);
        assertThat(listener.stderrText()).contains("rms: --channel " + "x".repeat(300) + ": channel must be");
    }

    private String narrowToken() {
        CliRun t = CliRun.of("token", "--config", config.toString(), "--key-id", "sk_id_narrow", "--sub", "narrow");
        assertThat(t.exitCode()).as(t.err()).isZero();
        return t.out().trim();
    }

    @Test
    void listenExitsNonZeroWhenASubscribeIsRefused() throws Exception {
        RmsProcess listener = listen("--token", narrowToken(), "--channel", "room-ok", "--channel", "elsewhere");
        JsonNode failed = event(listener, "subscribe-failed", n -> true);
        assertThat(failed.get("channel").asText()).isEqualTo("elsewhere");
        assertThat(failed.get("code").asText()).isEqualTo("channel_not_authorized");
        assertThat(listener.awaitExit()).isEqualTo(1);
        assertThat(listener.stderrText()).startsWith("rms: channel_not_authorized: ");
    }

    @Test
    void listenWithABadKeyPrintsTheDisconnectAndExitsNonZero() throws Exception {
        RmsProcess listener = listen("--key", "pk_live_nope", "--channel", "c");
        assertThat(event(listener, "disconnected", n -> true).get("code").asInt()).isEqualTo(4001);
        assertThat(listener.awaitExit()).isEqualTo(1);
        assertThat(listener.stderrText().lines().toList()).singleElement().asString()
                .contains("close 4001");
    }

    @Test
    void listenSurvivesAServerRestartOnTheSamePortAndKeepsPrinting() throws Exception {
        RmsProcess listener = listen("--key", PK, "--channel", "room-r");
        event(listener, "presence", n -> true);

        server.process.destroy();
        assertThat(server.awaitExit()).isZero();
        event(listener, "going-away", n -> true);
        assertThat(event(listener, "disconnected", n -> true).get("willReconnect").asBoolean()).isTrue();
        event(listener, "state-change", n -> n.get("to").asText().equals("reconnecting"));

        startServerOn(port);
        event(listener, "connected", n -> n.get("isReconnect").asBoolean());
        event(listener, "presence", n -> n.get("channel").asText().equals("room-r")); // re-subscribed

        assertThat(run("publish", "--url", url, "--key", PK, "--channel", "room-r", "--data", "\"after\"").exitCode())
                .isZero();
        assertThat(event(listener, "message", n -> true).get("data").asText()).isEqualTo("after");
        assertThat(listener.process.isAlive()).isTrue();
    }

    @Test
    void listenShowsPositionsAndWithRecoverEachRecoveryOutcome() throws Exception {
        RmsProcess listener = listen("--key", PK, "--channel", "hist/1", "--recover");
        JsonNode first = event(listener, "recovery", n -> true); // the first subscribe: nothing to recover yet
        assertThat(first.get("recovered").asBoolean()).isTrue();
        assertThat(first.has("from")).isFalse();
        assertThat(first.get("position").get("offset").asLong()).isZero();
        for (String d : List.of("1", "2")) {
            assertThat(run("publish", "--url", url, "--key", PK, "--channel", "hist/1", "--data", d).exitCode()).isZero();
        }
        JsonNode m1 = event(listener, "message", n -> n.get("data").asInt() == 1);
        JsonNode m2 = event(listener, "message", n -> n.get("data").asInt() == 2);
        assertThat(m1.get("offset").asLong()).isEqualTo(1);
        assertThat(m2.get("offset").asLong()).isEqualTo(2);
        String epoch = m2.get("epoch").asText();
        assertThat(m1.get("epoch").asText()).isEqualTo(epoch).isNotEmpty();

        // A restart loses the in-memory history: the reconnect cannot recover and says so.
        server.process.destroy();
        assertThat(server.awaitExit()).isZero();
        startServerOn(port);
        JsonNode lost = event(listener, "recovery", n -> n.has("from"));
        assertThat(lost.get("recovered").asBoolean()).isFalse();
        assertThat(lost.get("from")).isEqualTo(JSON.readTree("{\"epoch\":\"" + epoch + "\",\"offset\":2}"));
        assertThat(lost.get("position").get("epoch").asText()).isNotEqualTo(epoch);
        assertThat(run("publish", "--url", url, "--key", PK, "--channel", "hist/1", "--data", "3").exitCode()).isZero();
        JsonNode m3 = event(listener, "message", n -> n.get("data").asInt() == 3);
        assertThat(m3.get("offset").asLong()).isEqualTo(1);
        assertThat(m3.get("epoch").asText()).isEqualTo(lost.get("position").get("epoch").asText());
    }
}

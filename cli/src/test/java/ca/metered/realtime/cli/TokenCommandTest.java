package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.server.auth.AuthOutcome;
import ca.metered.realtime.server.auth.Authenticator;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.config.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rms token}: the printed JWT verifies with the server's Authenticator; bad input is one line on stderr. */
class TokenCommandTest {
    static final String YAML = """
            server:
              host: 127.0.0.1
              port: 0
            apps:
              - id: demo
                publishableKeys:
                  - key: pk_live_demo
                    channels: ["**"]
                secretKeys:
                  - id: sk_id_demo
                    secret: sk_secret_demo_change_me
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                  - id: sk_id_narrow
                    secret: sk_secret_narrow_0123456789
                    channels: ["room-*"]
                    actions: [subscribe, publish]
            """;

    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("rms.yaml");
        Files.writeString(config, YAML);
    }

    private Grant verify(String token) throws Exception {
        AuthOutcome outcome = new Authenticator(ConfigLoader.load(config, Map.of()), Clock.systemUTC())
                .authenticate(null, token, null);
        assertThat(outcome).isInstanceOf(AuthOutcome.Granted.class);
        return ((AuthOutcome.Granted) outcome).grant();
    }

    @Test
    void printsATokenTheServerAcceptsWithTheRequestedClaims() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        CliRun run = CliRun.of("token", "--config", config.toString(), "--key-id", "sk_id_demo", "--sub", "alice",
                "--channels", "room-*,lobby", "--permissions", "subscribe,publish", "--ttl", "90s",
                "--peer-metadata", "{\"name\":\"Alice\",\"z\":1,\"a\":2}", "--metadata", "{\"iceServers\":[]}");
        assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.outLines()).hasSize(1);
        Grant grant = verify(run.outLines().get(0));
        assertThat(grant.peerId()).isEqualTo("alice");
        assertThat(grant.app().id()).isEqualTo("demo");
        assertThat(grant.channels().allows("room-1")).isTrue();
        assertThat(grant.channels().allows("lobby")).isTrue();
        assertThat(grant.channels().allows("elsewhere")).isFalse();
        assertThat(grant.actions()).containsExactlyInAnyOrder(Action.SUBSCRIBE, Action.PUBLISH);
        assertThat(grant.expiresAtEpochSeconds()).isBetween(now + 89, now + 92);
        assertThat(grant.peerMetadataJson()).isEqualTo("{\"name\":\"Alice\",\"z\":1,\"a\":2}");
        assertThat(grant.metadataJson()).isEqualTo("{\"iceServers\":[]}");
    }

    @Test
    void defaultsAreTheKeysChannelsAndActionsAndOneHour() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        CliRun run = CliRun.of("token", "--config", config.toString(), "--key-id", "sk_id_narrow", "--sub", "bob");
        assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
        Grant grant = verify(run.out().trim());
        assertThat(grant.peerId()).isEqualTo("bob");
        assertThat(grant.channels().allows("room-9")).isTrue();
        assertThat(grant.channels().allows("lobby")).isFalse();
        assertThat(grant.actions()).containsExactlyInAnyOrder(Action.SUBSCRIBE, Action.PUBLISH);
        assertThat(grant.expiresAtEpochSeconds()).isBetween(now + 3599, now + 3602);
        assertThat(grant.peerMetadataJson()).isNull();
        assertThat(grant.metadataJson()).isNull();
    }

    @Test
    void repeatedChannelsOptionsAccumulate() throws Exception {
        CliRun run = CliRun.of("token", "--config", config.toString(), "--key-id", "sk_id_demo", "--sub", "c",
                "--channels", "a", "--channels", "b", "--ttl", "15m");
        assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
        Grant grant = verify(run.out().trim());
        assertThat(grant.channels().allows("a")).isTrue();
        assertThat(grant.channels().allows("b")).isTrue();
        assertThat(grant.channels().allows("c")).isFalse();
    }

    private void assertFailsWithOneLine(String... args) {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as("exit code; stderr %s", run.err()).isNotZero();
        assertThat(run.errLines()).as("stderr").hasSize(1);
        assertThat(run.err()).startsWith("rms: ").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(run.out()).as("stdout").isEmpty();
    }

    private String[] token(String... more) {
        String[] base = {"token", "--config", config.toString(), "--key-id", "sk_id_demo", "--sub", "alice"};
        String[] out = new String[base.length + more.length];
        System.arraycopy(base, 0, out, 0, base.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    @Test
    void embedIceServersAddsTheAppsListWithCredentialsForTheSubThatOutliveTheToken() throws Exception {
        Files.writeString(config, "iceServers:\n  - urls: turn:turn.example.com:3478\n"
                + "    secret: coturn-shared-secret-0123\n    ttl: 60s\n" + YAML);
        long now = System.currentTimeMillis() / 1000;
        CliRun run = CliRun.of(token("--ttl", "2h", "--metadata", "{\"room\":\"r1\"}", "--embed-ice-servers"));
        assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();

        JsonNode metadata = new ObjectMapper().readTree(verify(run.outLines().get(0)).metadataJson());
        assertThat(metadata.get("room").asText()).isEqualTo("r1");
        JsonNode turn = metadata.get("iceServers").get(0);
        assertThat(turn.get("urls").toString()).isEqualTo("[\"turn:turn.example.com:3478\"]");
        String username = turn.get("username").asText();
        assertThat(username).endsWith(":alice");
        assertThat(Long.parseLong(username.substring(0, username.indexOf(':')))).isBetween(now + 7199, now + 7202);
        assertThat(turn.get("credential").asText()).hasSize(28); // base64 of a 20-byte HMAC-SHA1
    }

    @Test
    void embedIceServersWithoutAnyConfiguredFails() {
        assertFailsWithOneLine(token("--embed-ice-servers"));
    }

    @Test
    void unknownOptionFails() {
        assertFailsWithOneLine(token("--bogus", "1"));
    }

    @Test
    void unknownSubcommandFails() {
        assertFailsWithOneLine("mint");
    }

    @Test
    void missingSubFails() {
        assertFailsWithOneLine("token", "--config", config.toString(), "--key-id", "sk_id_demo");
    }

    @Test
    void invalidSubFails() {
        assertFailsWithOneLine("token", "--config", config.toString(), "--key-id", "sk_id_demo", "--sub", "x".repeat(129));
    }

    @Test
    void badTtlFails() {
        assertFailsWithOneLine(token("--ttl", "soon"));
    }

    @Test
    void ttlOverOneDayFailsNamingTheOption() {
        assertFailsWithOneLine(token("--ttl", "2d"));
        assertThat(CliRun.of(token("--ttl", "25h")).err()).contains("--ttl");
    }

    @Test
    void ttlOfExactlyOneDayIsAccepted() {
        assertThat(CliRun.of(token("--ttl", "1d")).exitCode()).isZero();
    }

    @Test
    void zeroTtlFails() {
        assertFailsWithOneLine(token("--ttl", "0"));
    }

    @Test
    void badJsonInPeerMetadataFails() {
        assertFailsWithOneLine(token("--peer-metadata", "{name:"));
    }

    @Test
    void peerMetadataThatIsNotAnObjectFails() {
        assertFailsWithOneLine(token("--peer-metadata", "[1,2]"));
    }

    @Test
    void badJsonInMetadataFails() {
        assertFailsWithOneLine(token("--metadata", "nope"));
    }

    @Test
    void unknownPermissionFails() {
        assertFailsWithOneLine(token("--permissions", "subscribe,fly"));
    }

    @Test
    void channelsOutsideTheKeyFail() {
        CliRun run = CliRun.of("token", "--config", config.toString(), "--key-id", "sk_id_narrow", "--sub", "a",
                "--channels", "lobby");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("channel_not_authorized");
    }

    @Test
    void withoutKeyIdTheConfigsOnlySecretKeySigns() throws Exception {
        Files.writeString(config, YAML.substring(0, YAML.indexOf("      - id: sk_id_narrow")));
        CliRun run = CliRun.of("token", "--config", config.toString(), "--sub", "alice");
        assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
        Grant grant = verify(run.out().trim());
        assertThat(grant.peerId()).isEqualTo("alice");
        assertThat(grant.channels().allows("anything/at/all")).as("sk_id_demo's channels").isTrue();
    }

    @Test
    void withoutKeyIdSeveralSecretKeysFailNamingThem() {
        CliRun run = CliRun.of("token", "--config", config.toString(), "--sub", "alice");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("rms: --key-id is needed").contains("sk_id_demo, sk_id_narrow")
                .doesNotContain("sk_secret_");
    }

    @Test
    void unknownKeyIdFails() {
        CliRun run = CliRun.of("token", "--config", config.toString(), "--key-id", "sk_id_nope", "--sub", "a");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("sk_id_nope").doesNotContain("sk_secret_");
    }

    @Test
    void missingConfigFileFails() {
        assertFailsWithOneLine("token", "--config", dir.resolve("absent.yaml").toString(), "--key-id", "sk_id_demo",
                "--sub", "a");
    }

    @Test
    void invalidConfigFails() throws Exception {
        Files.writeString(config, YAML.replace("port: 0", "port: 0\n  colour: blue"));
        assertFailsWithOneLine(token());
    }

    @Test
    void configWithYamlSyntaxErrorFails() throws Exception {
        Files.writeString(config, "server: [\n  host: :\n");
        assertFailsWithOneLine(token());
    }

    @Test
    void emptyConfigFails() throws Exception {
        Files.writeString(config, "");
        assertFailsWithOneLine(token());
    }
}

package ca.metered.realtime.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code iceServers} lists: binding, the default, and the SDKs' fail-closed limits at start. */
class IceServersConfigTest {
    private static final String SECRET = "coturn-static-auth-secret";

    private static ServerConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static String errorOf(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("expected a config error");
    }

    /** One app {@code a} with the given top-level list (YAML block, may be empty) and app list. */
    private static String yaml(String topLevel, String appLevel) {
        return (topLevel.isEmpty() ? "" : "iceServers:\n" + topLevel.stripIndent().indent(2))
                + "apps:\n  - id: a\n"
                + (appLevel.isEmpty() ? "" : "    iceServers:\n" + appLevel.stripIndent().indent(6));
    }

    @Test
    void withoutAnyListAppsHaveNoIceServers() throws Exception {
        assertThat(parse(yaml("", "")).app("a").orElseThrow().iceServers()).isEmpty();
    }

    @Test
    void theTopLevelListIsEveryAppsDefaultAndAnAppsOwnListReplacesIt() throws Exception {
        ServerConfig c = parse("""
                iceServers:
                  - urls: stun:stun.example.com:3478
                  - urls: [turn:turn.example.com:3478, "turns:turn.example.com:5349?transport=tcp"]
                    secret: %s
                    ttl: 2h
                apps:
                  - id: a
                  - id: b
                    iceServers:
                      - urls: [STUN:other.example]
                  - id: c
                    iceServers: []
                """.formatted(SECRET));

        List<IceServerConfig> a = c.app("a").orElseThrow().iceServers();
        assertThat(a).containsExactly(
                IceServerConfig.stun(List.of("stun:stun.example.com:3478")),
                new IceServerConfig(List.of("turn:turn.example.com:3478", "turns:turn.example.com:5349?transport=tcp"),
                        SECRET, Duration.ofHours(2)));
        assertThat(c.app("b").orElseThrow().iceServers()).containsExactly(IceServerConfig.stun(List.of("STUN:other.example")));
        assertThat(c.app("c").orElseThrow().iceServers()).isEmpty();
    }

    @Test
    void theTtlDefaultsToADay() throws Exception {
        IceServerConfig turn = parse(yaml("- urls: turn:t.example\n  secret: " + SECRET, ""))
                .app("a").orElseThrow().iceServers().get(0);
        assertThat(turn.ttl()).isEqualTo(Duration.ofHours(24));
        assertThat(turn.toString()).doesNotContain(SECRET);
    }

    @Test
    void aTurnEntryNeedsASecretAndAStunEntryTakesNone() {
        assertThat(errorOf(yaml("- urls: turn:t.example", "")))
                .isEqualTo("iceServers[0].secret: required for turn: and turns: URLs (coturn's static-auth-secret)");
        assertThat(errorOf(yaml("", "- urls: stun:s.example\n  secret: " + SECRET)))
                .isEqualTo("apps[0].iceServers[0].secret: only for entries with turn: or turns: URLs");
        assertThat(errorOf(yaml("- urls: stun:s.example\n  ttl: 1h", "")))
                .isEqualTo("iceServers[0].ttl: only for entries with turn: or turns: URLs");
    }

    @Test
    void staticCredentialsAreRefusedWithTheReason() {
        assertThat(errorOf(yaml("- urls: turn:t.example\n  username: u\n  credential: p", "")))
                .startsWith("iceServers[0].username: static TURN credentials are not supported");
    }

    @Test
    void urlsMustBeStunOrTurnUrlsTheSdksAccept() {
        assertThat(errorOf(yaml("- urls: [\"stun:ok.example\", \"https://turn.example\"]", "")))
                .isEqualTo("iceServers[0].urls[1]: must be a stun:, stuns:, turn: or turns: URL without spaces, "
                        + "got 'https://turn.example'");
        assertThat(errorOf(yaml("- urls: \"stun:\"", ""))).startsWith("iceServers[0].urls: must be a stun:");
        assertThat(errorOf(yaml("- urls: []", ""))).isEqualTo("iceServers[0].urls: must not be empty");
        assertThat(errorOf(yaml("- {}", ""))).startsWith("iceServers[0].urls: required");
        assertThat(errorOf(yaml("- urls: [1]", ""))).startsWith("iceServers[0].urls[0]: must be a string");
        assertThat(errorOf(yaml("- urls: \"stun:" + "a".repeat(508) + "\"", "")))
                .isEqualTo("iceServers[0].urls: longer than 512 characters (the SDKs ignore the whole list then)");
        assertThat(parse512()).isTrue();
    }

    private static boolean parse512() {
        try {
            return !parse(yaml("- urls: \"stun:" + "a".repeat(507) + "\"", "")).app("a").orElseThrow().iceServers().isEmpty();
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void atMostSixteenEntries() throws Exception {
        String sixteen = "- urls: stun:s.example\n".repeat(16);
        assertThat(parse(yaml(sixteen, "")).app("a").orElseThrow().iceServers()).hasSize(16);
        assertThat(errorOf(yaml("", sixteen + "- urls: stun:s.example\n")))
                .isEqualTo("apps[0].iceServers: at most 16 entries (the SDKs ignore a longer list entirely)");
    }

    @Test
    void secretAndTtlAreChecked() {
        assertThat(errorOf(yaml("- urls: turn:t.example\n  secret: short", "")))
                .isEqualTo("iceServers[0].secret: must be at least 16 characters");
        assertThat(errorOf(yaml("- urls: turn:t.example\n  secret: " + SECRET + "\n  ttl: 8d", "")))
                .startsWith("iceServers[0].ttl: must be a duration");
        assertThat(errorOf(yaml("- urls: turn:t.example\n  secret: " + SECRET + "\n  ttl: 200h", "")))
                .isEqualTo("iceServers[0].ttl: must be between 1s and 7 days");
        assertThat(errorOf(yaml("- urls: turn:t.example\n  secret: " + SECRET + "\n  ttl: 0", "")))
                .isEqualTo("iceServers[0].ttl: must be between 1s and 7 days");
    }

    @Test
    void unknownFieldsAndWrongShapesAreNamed() {
        assertThat(errorOf(yaml("- urls: stun:s.example\n  url: x", "")))
                .startsWith("iceServers[0].url: unknown field");
        assertThat(errorOf("iceServers: stun:s.example\napps:\n  - id: a\n")).isEqualTo("iceServers: must be a list");
    }
}

package ca.metered.realtime.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code apps[].history} and {@code apps[].idempotencyWindow} (docs/protocol.md 9, docs/configuration.md). */
class HistoryConfigTest {

    private static AppConfig app(String appYaml) throws ConfigException {
        return ConfigLoader.parse("apps:\n  - id: a\n" + appYaml, Map.of()).app("a").orElseThrow();
    }

    private static String errorOf(String appYaml) {
        assertThatThrownBy(() -> app(appYaml)).isInstanceOf(ConfigException.class);
        try {
            app(appYaml);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError();
    }

    @Test
    void historyIsOffAndTheWindowFiveMinutesByDefault() throws Exception {
        AppConfig a = app("");
        assertThat(a.history()).isEmpty();
        assertThat(a.historyOf("room")).isEmpty();
        assertThat(a.idempotencyWindow()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aChannelTakesTheFirstEntryThatMatchesIt() throws Exception {
        AppConfig a = app("""
                    history:
                      - channels: ["chat/vip", "feed"]
                        size: 10
                        ttl: 30s
                      - channels: ["chat/*"]
                        size: 1000
                        ttl: 10m
                    idempotencyWindow: 2m
                """);
        assertThat(a.history()).hasSize(2);
        assertThat(a.historyOf("chat/vip").orElseThrow().size()).isEqualTo(10);
        assertThat(a.historyOf("chat/room").orElseThrow().size()).isEqualTo(1000);
        assertThat(a.historyOf("chat/room").orElseThrow().ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(a.historyOf("feed").orElseThrow().ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(a.historyOf("chat/a/b")).isEmpty();
        assertThat(a.historyOf("other")).isEmpty();
        assertThat(a.idempotencyWindow()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void sizeAndTtlAreBounded() throws Exception {
        assertThat(app("    history: [{channels: ['**'], size: 10000, ttl: 24h}]\n").history().get(0).size())
                .isEqualTo(10_000);
        assertThat(app("    history: [{channels: ['**'], size: 1, ttl: 1s}]\n").history().get(0).ttl())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(errorOf("    history: [{channels: ['**'], size: 10001, ttl: 1m}]\n"))
                .isEqualTo("apps[0].history[0].size: must be <= 10000");
        assertThat(errorOf("    history: [{channels: ['**'], size: 0, ttl: 1m}]\n"))
                .isEqualTo("apps[0].history[0].size: must be > 0");
        assertThat(errorOf("    history: [{channels: ['**'], size: 5, ttl: 25h}]\n"))
                .isEqualTo("apps[0].history[0].ttl: must be between 1s and 24h");
        assertThat(errorOf("    history: [{channels: ['**'], size: 5, ttl: 500ms}]\n"))
                .isEqualTo("apps[0].history[0].ttl: must be between 1s and 24h");
        assertThat(errorOf("    idempotencyWindow: 2h\n"))
                .isEqualTo("apps[0].idempotencyWindow: must be between 1s and 1h");
        assertThat(errorOf("    idempotencyWindow: soon\n"))
                .startsWith("apps[0].idempotencyWindow: must be a duration");
    }

    @Test
    void everyFieldIsRequiredAndNamedWhenWrong() {
        assertThat(errorOf("    history: [{size: 5, ttl: 1m}]\n"))
                .startsWith("apps[0].history[0].channels: required");
        assertThat(errorOf("    history: [{channels: [], size: 5, ttl: 1m}]\n"))
                .isEqualTo("apps[0].history[0].channels: must not be empty");
        assertThat(errorOf("    history: [{channels: ['a'], ttl: 1m}]\n"))
                .startsWith("apps[0].history[0].size: required");
        assertThat(errorOf("    history: [{channels: ['a'], size: 5}]\n"))
                .startsWith("apps[0].history[0].ttl: required");
        assertThat(errorOf("    history: [{channels: ['a'], size: 5, ttl: 1m, sise: 3}]\n"))
                .startsWith("apps[0].history[0].sise: unknown field");
        assertThat(errorOf("    history: {channels: ['a'], size: 5, ttl: 1m}\n"))
                .isEqualTo("apps[0].history: must be a list");
        assertThat(errorOf("    history: [{channels: [''], size: 5, ttl: 1m}]\n"))
                .startsWith("apps[0].history[0].channels[0]: invalid channel pattern");
    }
}

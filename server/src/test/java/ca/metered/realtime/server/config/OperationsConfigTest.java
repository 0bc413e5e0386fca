package ca.metered.realtime.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The {@code metrics}, {@code admin} and {@code logging} sections and their environment overrides. */
class OperationsConfigTest {
    private static final String APPS = """
            apps:
              - id: a
            """;

    private static ServerConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(APPS + yaml, env);
    }

    private static ServerConfig parse(String yaml) throws ConfigException {
        return parse(yaml, Map.of());
    }

    @Test
    void withoutTheSectionsMetricsAreLoopbackOnlyTheAdminIsOffAndLogsAreText() throws Exception {
        ServerConfig cfg = parse("");
        assertThat(cfg.metrics()).isEqualTo(MetricsSettings.defaults());
        assertThat(cfg.admin()).isEmpty();
        assertThat(cfg.logFormat()).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void metricsSectionBindsTokenPortAndHost() throws Exception {
        ServerConfig cfg = parse("""
                metrics:
                  bearerToken: scrape-token-0123456789
                  port: 9464
                  host: 0.0.0.0
                """);
        assertThat(cfg.metrics().bearerToken()).contains("scrape-token-0123456789");
        assertThat(cfg.metrics().port()).isEqualTo(OptionalInt.of(9464));
        assertThat(cfg.metrics().host()).isEqualTo("0.0.0.0");
        assertThat(cfg.metrics().toString()).doesNotContain("scrape-token");
    }

    @Test
    void metricsTokenMustNotBeGuessableAndHostNeedsAPort() {
        assertThatThrownBy(() -> parse("metrics:\n  bearerToken: short\n"))
                .hasMessage("metrics.bearerToken: must be at least 16 printable ASCII characters without spaces");
        assertThatThrownBy(() -> parse("metrics:\n  host: 0.0.0.0\n"))
                .hasMessage("metrics.host: only applies with metrics.port (a separate listener)");
        assertThatThrownBy(() -> parse("metrics:\n  bearer: x\n"))
                .hasMessageStartingWith("metrics.bearer: unknown field");
    }

    @Test
    void adminSectionBindsCredentialsAndRedactsThePassword() throws Exception {
        ServerConfig cfg = parse("""
                admin:
                  username: ops
                  password: correct-horse-battery
                  sessionTimeout: 30m
                """);
        AdminSettings admin = cfg.admin().orElseThrow();
        assertThat(admin.username()).isEqualTo("ops");
        assertThat(admin.password()).isEqualTo("correct-horse-battery");
        assertThat(admin.sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(admin.toString()).doesNotContain("correct-horse");
    }

    @Test
    void theAdminHasNoDefaultPassword() {
        assertThatThrownBy(() -> parse("admin:\n  username: ops\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("admin.password: required: the admin dashboard has no default password "
                        + "(set admin.password or RMS_ADMIN_PASSWORD)");
        assertThatThrownBy(() -> parse("admin:\n  username: ops\n  password: short\n"))
                .hasMessage("admin.password: must be at least 12 characters");
        assertThatThrownBy(() -> parse("admin:\n  username: 'a:b'\n  password: correct-horse-battery\n"))
                .hasMessage("admin.username: must be 1-64 printable ASCII characters without spaces or ':'");
    }

    @Test
    void adminPasswordComesFromTheEnvironmentToo() throws Exception {
        ServerConfig fromEnv = parse("admin:\n  username: ops\n", Map.of("RMS_ADMIN_PASSWORD", "from-the-environment"));
        assertThat(fromEnv.admin().orElseThrow().password()).isEqualTo("from-the-environment");
        assertThat(fromEnv.admin().orElseThrow().username()).isEqualTo("ops");

        ServerConfig overrides = parse("admin:\n  password: from-the-file-000\n",
                Map.of("RMS_ADMIN_PASSWORD", "from-the-environment"));
        assertThat(overrides.admin().orElseThrow().password()).isEqualTo("from-the-environment");

        ServerConfig envOnly = parse("", Map.of("RMS_ADMIN_PASSWORD", "from-the-environment"));
        assertThat(envOnly.admin().orElseThrow().username()).isEqualTo("admin");

        assertThatThrownBy(() -> parse("", Map.of("RMS_ADMIN_PASSWORD", "short")))
                .hasMessage("admin.password: must be at least 12 characters");
    }

    @Test
    void metricsTokenAndLogFormatComeFromTheEnvironment() throws Exception {
        ServerConfig cfg = parse("", Map.of("RMS_METRICS_TOKEN", "env-token-0123456789", "RMS_LOG_FORMAT", "json"));
        assertThat(cfg.metrics().bearerToken()).contains("env-token-0123456789");
        assertThat(cfg.logFormat()).isEqualTo(LogFormat.JSON);
    }

    @Test
    void logFormatIsTextOrJson() throws Exception {
        assertThat(parse("logging:\n  format: json\n").logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(parse("logging:\n  format: TEXT\n").logFormat()).isEqualTo(LogFormat.TEXT);
        assertThatThrownBy(() -> parse("logging:\n  format: xml\n")).hasMessage("logging.format: must be text or json");
    }
}

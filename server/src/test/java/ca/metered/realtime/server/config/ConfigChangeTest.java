package ca.metered.realtime.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ConfigChange.Credential;
import ca.metered.realtime.server.config.ConfigChange.Credential.Kind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigChangeTest {
    private static final String BASE = """
            server:
              port: 8080
            apps:
              - id: demo
                publishableKeys:
                  - key: pk_live_demo
                    channels: ["**"]
                secretKeys:
                  - id: sk_id_demo
                    secret: sk_secret_demo_0123456789
                limits:
                  messageRate: 100
              - id: other
                publishableKeys:
                  - key: pk_live_other
                    channels: ["**"]
            """;

    private static ServerConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static ConfigChange change(String before, String after) throws ConfigException {
        ServerConfig a = parse(before);
        return ConfigChange.between(a, a, parse(after));
    }

    @Test
    void theSameFileChangesNothing() throws Exception {
        ConfigChange c = change(BASE, BASE);
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.summary()).isEqualTo("no changes");
    }

    @Test
    void addedRemovedDisabledAndEnabledAppsAreNamed() throws Exception {
        String after = """
                apps:
                  - id: demo
                    enabled: false
                    publishableKeys:
                      - key: pk_live_demo
                        channels: ["**"]
                    secretKeys:
                      - id: sk_id_demo
                        secret: sk_secret_demo_0123456789
                    limits:
                      messageRate: 100
                  - id: chat
                server:
                  port: 8080
                """;
        ConfigChange c = change(BASE, after);
        assertThat(c.appsAdded()).containsExactly("chat");
        assertThat(c.appsRemoved()).containsExactly("other");
        assertThat(c.appsDisabled()).containsExactly("demo");
        assertThat(c.suspends("demo")).isTrue();
        assertThat(c.suspends("other")).isTrue();
        assertThat(c.suspends("chat")).isFalse();
        assertThat(c.summary()).isEqualTo("apps added chat; apps removed other; apps disabled demo");

        ConfigChange back = change(after, BASE);
        assertThat(back.appsEnabled()).containsExactly("demo");
        assertThat(back.suspends("demo")).isFalse();
    }

    @Test
    void keysAddedRemovedRotatedAndRescopedAreTold() throws Exception {
        String after = BASE
                .replace("sk_secret_demo_0123456789", "sk_secret_demo_rotated_98765")
                .replace("  - id: other\n    publishableKeys:\n      - key: pk_live_other\n        channels: [\"**\"]\n",
                        "  - id: other\n    publishableKeys:\n      - key: pk_live_other2\n        channels: [\"**\"]\n")
                .replace("      - key: pk_live_demo\n        channels: [\"**\"]",
                        "      - key: pk_live_demo\n        channels: [\"room-*\"]");
        ConfigChange c = change(BASE, after);
        Credential rotated = new Credential("demo", "sk_id_demo", Kind.SECRET_KEY);
        Credential removed = new Credential("other", "pk_live_other", Kind.PUBLISHABLE_KEY);
        assertThat(c.secretsRotated()).containsExactly(rotated);
        assertThat(c.credentialsRemoved()).containsExactly(removed);
        assertThat(c.credentialsAdded()).containsExactly(new Credential("other", "pk_live_other2", Kind.PUBLISHABLE_KEY));
        assertThat(c.credentialsChanged()).containsExactly(new Credential("demo", "pk_live_demo", Kind.PUBLISHABLE_KEY));
        assertThat(c.revokes(rotated)).isTrue();
        assertThat(c.revokes(removed)).isTrue();
        assertThat(c.revokes(new Credential("demo", "pk_live_demo", Kind.PUBLISHABLE_KEY))).isFalse();
        assertThat(c.summary()).doesNotContain("sk_secret");
    }

    @Test
    void limitsAreComparedPerApp() throws Exception {
        ConfigChange c = change(BASE, BASE.replace("messageRate: 100", "messageRate: 5"));
        assertThat(c.limitsChanged()).containsExactly("demo");
        assertThat(c.summary()).isEqualTo("limits changed demo");
    }

    @Test
    void listenerAndClusterSettingsWaitForARestartAndKeepTheirRunningValues() throws Exception {
        ServerConfig start = parse(BASE);
        ServerConfig running = start.withServer(start.server().withPort(9999)); // as with --port 9999
        ServerConfig next = parse(BASE.replace("port: 8080", "port: 8081") + """
                cluster:
                  redis: redis://127.0.0.1:6379
                admin:
                  password: correct-horse-battery
                """);
        ConfigChange c = ConfigChange.between(running, start, next);
        assertThat(c.restartRequired()).containsExactly("server.port", "cluster");
        assertThat(c.adminChanged()).isTrue();

        ServerConfig effective = ConfigChange.effective(running, next);
        assertThat(effective.server().port()).isEqualTo(9999);
        assertThat(effective.cluster()).isEmpty();
        assertThat(effective.admin()).isPresent();
    }

    @Test
    void aCommandLineOverrideIsNotAChange() throws Exception {
        ServerConfig start = parse(BASE);
        ServerConfig running = start.withServer(start.server().withPort(0));
        assertThat(ConfigChange.between(running, start, parse(BASE)).isEmpty()).isTrue();
    }

    @Test
    void webhooksWaitForARestartAndKeepTheirRunningSettings() throws Exception {
        String hooked = BASE.replace("""
                  - id: other
                """, """
                    webhooks:
                      - url: https://backend.example.com/rms
                        secret: whsec_0123456789abcdef
                        events: [peer.connected]
                  - id: other
                """);
        ServerConfig start = parse(hooked);
        ServerConfig next = parse("webhooks: {flapGrace: 1s}\n" + hooked.replace("[peer.connected]",
                "[peer.connected, peer.disconnected]"));
        ConfigChange c = ConfigChange.between(start, start, next);
        assertThat(c.restartRequired()).containsExactly("webhooks", "apps[demo].webhooks");
        assertThat(ConfigChange.effective(start, next).webhooks()).isEqualTo(start.webhooks());

        // Added to an app that had none, or gone with the app: a restart too.
        assertThat(ConfigChange.between(parse(BASE), parse(BASE), parse(hooked)).restartRequired())
                .containsExactly("apps[demo].webhooks");
        assertThat(ConfigChange.between(start, start, parse(hooked.replace("id: demo", "id: renamed")))
                .restartRequired()).containsExactly("apps[renamed].webhooks", "apps[demo].webhooks");
    }
}

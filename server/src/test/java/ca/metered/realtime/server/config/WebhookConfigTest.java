package ca.metered.realtime.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookConfigTest {
    private static final String APP = """
            apps:
              - id: a
            """;

    private static ServerConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static String errorOf(String yaml) {
        try {
            ConfigLoader.parse(yaml, Map.of());
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigException for:\n" + yaml);
    }

    private static String hook(String fields) {
        return APP + "    webhooks:\n      - " + fields + "\n";
    }

    @Test
    void anAppWithoutWebhooksHasNoneAndTheDeliverySettingsHaveTheirDefaults() throws Exception {
        ServerConfig cfg = parse(APP);
        assertThat(cfg.apps().get(0).webhooks()).isEmpty();
        assertThat(cfg.webhooks()).isEqualTo(WebhookSettings.defaults());
        assertThat(cfg.webhooks().flapGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(cfg.webhooks().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cfg.webhooks().maxAttempts()).isEqualTo(10);
        assertThat(cfg.webhooks().queueSize()).isEqualTo(10_000);
        assertThat(cfg.webhooks().batchSize()).isEqualTo(100);
    }

    @Test
    void readsEndpointsWithTheirEventsAndChannels() throws Exception {
        ServerConfig cfg = parse(APP + """
                    webhooks:
                      - url: https://backend.example.com/hooks
                        secret: whsec_0123456789abcdef
                        events: [peer.connected, peer.disconnected, channel.occupied, channel.vacated,
                                 presence.joined, presence.left, message.published]
                        channels: ["room-*"]
                      - url: http://127.0.0.1:9000/audit
                        secret: another-secret-of-16
                        events: [message.published]
                """);
        WebhookConfig first = cfg.apps().get(0).webhooks().get(0);
        assertThat(first.url()).isEqualTo(URI.create("https://backend.example.com/hooks"));
        assertThat(first.secret()).isEqualTo("whsec_0123456789abcdef");
        assertThat(first.events()).containsExactlyInAnyOrder(WebhookEventType.values());
        assertThat(first.wants(WebhookEventType.MESSAGE_PUBLISHED, "room-1")).isTrue();
        assertThat(first.wants(WebhookEventType.MESSAGE_PUBLISHED, "lobby")).isFalse();
        assertThat(first.wants(WebhookEventType.PEER_CONNECTED, null)).as("peer events are about no channel").isTrue();
        WebhookConfig second = cfg.apps().get(0).webhooks().get(1);
        assertThat(second.channels()).isEmpty();
        assertThat(second.wants(WebhookEventType.MESSAGE_PUBLISHED, "anything")).isTrue();
        assertThat(second.wants(WebhookEventType.CHANNEL_OCCUPIED, "anything")).isFalse();
        assertThat(second.toString()).doesNotContain("another-secret-of-16");
    }

    @Test
    void readsEveryDeliverySetting() throws Exception {
        ServerConfig cfg = parse("""
                webhooks:
                  flapGrace: 0
                  timeout: 2s
                  maxAttempts: 3
                  retryMinDelay: 200ms
                  retryMaxDelay: 10s
                  queueSize: 50
                  batchSize: 5
                  batchDelay: 0ms
                """ + APP);
        assertThat(cfg.webhooks()).isEqualTo(new WebhookSettings(Duration.ZERO, Duration.ofSeconds(2), 3,
                Duration.ofMillis(200), Duration.ofSeconds(10), 50, 5, Duration.ZERO));
    }

    @Test
    void endpointErrorsNameTheirField() {
        String ok = "secret: whsec_0123456789abcdef, events: [peer.connected]";
        assertThat(errorOf(hook("{" + ok + "}"))).startsWith("apps[0].webhooks[0].url: required");
        assertThat(errorOf(hook("{url: 'ftp://x/y', " + ok + "}")))
                .isEqualTo("apps[0].webhooks[0].url: must start with http:// or https://");
        assertThat(errorOf(hook("{url: 'http:///path', " + ok + "}")))
                .startsWith("apps[0].webhooks[0].url: must name a host");
        assertThat(errorOf(hook("{url: 'https://u:p@h/x', " + ok + "}")))
                .startsWith("apps[0].webhooks[0].url: must not carry credentials");
        assertThat(errorOf(hook("{url: 'https://h/x y', " + ok + "}")))
                .startsWith("apps[0].webhooks[0].url: not a valid URL");
        assertThat(errorOf(hook("{url: 'https://h/x', events: [peer.connected]}")))
                .startsWith("apps[0].webhooks[0].secret: required");
        assertThat(errorOf(hook("{url: 'https://h/x', secret: short-secret, events: [peer.connected]}")))
                .isEqualTo("apps[0].webhooks[0].secret: must be at least 16 characters");
        assertThat(errorOf(hook("{url: 'https://h/x', secret: whsec_0123456789abcdef}")))
                .startsWith("apps[0].webhooks[0].events: required: a list of peer.connected, peer.disconnected");
        assertThat(errorOf(hook("{url: 'https://h/x', secret: whsec_0123456789abcdef, events: []}")))
                .isEqualTo("apps[0].webhooks[0].events: must not be empty");
        assertThat(errorOf(hook("{url: 'https://h/x', secret: whsec_0123456789abcdef, events: [peer.joined]}")))
                .startsWith("apps[0].webhooks[0].events[0]: unknown event 'peer.joined' (expected one of");
        assertThat(errorOf(hook("{url: 'https://h/x', secret: whsec_0123456789abcdef, "
                + "events: [peer.connected, peer.connected]}")))
                .isEqualTo("apps[0].webhooks[0].events[1]: duplicate event 'peer.connected'");
        assertThat(errorOf(hook("{url: 'https://h/x', " + ok + ", channels: []}")))
                .startsWith("apps[0].webhooks[0].channels: must not be empty");
        assertThat(errorOf(hook("{url: 'https://h/x', " + ok + ", channels: ['a\\q']}")))
                .startsWith("apps[0].webhooks[0].channels[0]: invalid channel pattern");
        assertThat(errorOf(hook("{url: 'https://h/x', " + ok + ", retries: 3}")))
                .startsWith("apps[0].webhooks[0].retries: unknown field");
        assertThat(errorOf(APP + "    webhooks: {url: 'https://h/x'}\n"))
                .startsWith("apps[0].webhooks: must be a list");
        assertThat(errorOf(APP + """
                    webhooks:
                      - {url: 'https://h/x', secret: whsec_0123456789abcdef, events: [peer.connected]}
                      - {url: 'https://h/x', secret: whsec_0123456789abcdef, events: [peer.disconnected]}
                """)).isEqualTo("apps[0].webhooks[1].url: duplicate webhook url 'https://h/x' "
                + "(already at apps[0].webhooks[0])");
    }

    @Test
    void theSecretIsNeverEchoed() {
        String error = errorOf(hook("{url: 'https://h/x', secret: tooShortSecret, events: [peer.connected]}"));
        assertThat(error).doesNotContain("tooShortSecret");
    }

    @Test
    void deliverySettingErrorsNameTheirField() {
        assertThat(errorOf("webhooks: [{url: 'https://h/x'}]\n" + APP))
                .startsWith("webhooks: must be a mapping of delivery settings (the endpoints go under apps[].webhooks)");
        assertThat(errorOf("webhooks: {timeout: 0s}\n" + APP)).isEqualTo("webhooks.timeout: must be > 0");
        assertThat(errorOf("webhooks: {timeout: 6m}\n" + APP)).isEqualTo("webhooks.timeout: must be at most 5m");
        assertThat(errorOf("webhooks: {maxAttempts: 0}\n" + APP)).isEqualTo("webhooks.maxAttempts: must be > 0");
        assertThat(errorOf("webhooks: {queueSize: 0}\n" + APP)).isEqualTo("webhooks.queueSize: must be > 0");
        assertThat(errorOf("webhooks: {batchSize: 20000}\n" + APP)).isEqualTo("webhooks.batchSize: must be <= 10000");
        assertThat(errorOf("webhooks: {flapGrace: 2h}\n" + APP)).isEqualTo("webhooks.flapGrace: must be at most 3600s");
        assertThat(errorOf("webhooks: {flapGrace: soon}\n" + APP)).startsWith("webhooks.flapGrace: must be a duration");
        assertThat(errorOf("webhooks: {retryMinDelay: 10s, retryMaxDelay: 5s}\n" + APP))
                .isEqualTo("webhooks.retryMaxDelay: must be at least retryMinDelay (10000ms)");
        assertThat(errorOf("webhooks: {retry: 1}\n" + APP)).startsWith("webhooks.retry: unknown field");
    }
}

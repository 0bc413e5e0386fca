package ca.metered.realtime.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final String SAMPLE = """
            server:
              host: 127.0.0.1
              port: 8080
            apps:
              - id: demo
                publishableKeys:
                  - key: pk_live_demo
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                    allowedOrigins: []          # empty: any origin
                secretKeys:
                  - id: sk_id_demo
                    secret: sk_secret_demo_change_me
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                limits:
                  maxMessageSize: 65536
                  maxChannelsPerConnection: 100
                  messageRate: 100              # per connection, per second
                  messageBurst: 200
                  maxConcurrentConnections: 10000
                  maxMessagesPerPeriod: 0       # 0 = unlimited
            """;

    static final String MINIMAL = """
            apps:
              - id: a
            """;

    private static ServerConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static String errorOf(String yaml) {
        return errorOf(yaml, Map.of());
    }

    private static String errorOf(String yaml, Map<String, String> env) {
        try {
            ConfigLoader.parse(yaml, env);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigException for:\n" + yaml);
    }

    @Test
    void sampleFileParsesWithItsStatedMeanings() throws Exception {
        ServerConfig config = parse(SAMPLE);

        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.apps()).hasSize(1);
        AppConfig demo = config.app("demo").orElseThrow();
        assertThat(demo.enabled()).isTrue();
        PublishableKeyConfig pk = demo.publishableKeys().get(0);
        assertThat(pk.key()).isEqualTo("pk_live_demo");
        assertThat(pk.channels()).containsExactly(ChannelPattern.compile("**"));
        assertThat(pk.actions()).containsExactlyInAnyOrder(Action.values());
        assertThat(pk.allowedOrigins()).isEmpty();
        SecretKeyConfig sk = demo.secretKeys().get(0);
        assertThat(sk.id()).isEqualTo("sk_id_demo");
        assertThat(sk.secret()).isEqualTo("sk_secret_demo_change_me");
        assertThat(sk.channels()).containsExactly(ChannelPattern.compile("**"));
        assertThat(sk.actions()).containsExactlyInAnyOrder(Action.values());
        assertThat(demo.limits()).isEqualTo(new Limits(65536, 100, 100, 200, 10000, 0, java.time.Duration.ofHours(24)));
        assertThat(demo.limits().hasMessageQuota()).isFalse();
        assertThat(config.app("nope")).isEmpty();
    }

    @Test
    void defaultsFillEverythingLeftOut() throws Exception {
        ServerConfig config = parse(MINIMAL + """
                    publishableKeys:
                      - key: pk_x
                        channels: ["room-*"]
                    secretKeys:
                      - id: sk_id_x
                        secret: sk_secret_0123456789
                """);

        assertThat(config.server()).isEqualTo(ServerSettings.defaults());
        ServerSettings s = config.server();
        assertThat(s.trustedProxies()).containsExactly("127.0.0.1", "::1");
        assertThat(s.connectRatePerIp()).isEqualTo(60);
        assertThat(s.connectRateWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.pingTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.outboundBufferBytes()).isEqualTo(1 << 20);
        assertThat(s.eventLoopThreads()).isZero();
        assertThat(s.tls()).isEmpty();
        AppConfig app = config.apps().get(0);
        assertThat(app.enabled()).isTrue();
        assertThat(app.limits()).isEqualTo(Limits.defaults());
        assertThat(app.publishableKeys().get(0).actions())
                .isEqualTo(EnumSet.of(Action.SUBSCRIBE, Action.PUBLISH, Action.PRESENCE));
        assertThat(app.publishableKeys().get(0).allowedOrigins()).isEmpty();
        assertThat(app.secretKeys().get(0).channels()).containsExactly(ChannelPattern.compile("**"));
        assertThat(app.secretKeys().get(0).actions()).isEqualTo(EnumSet.allOf(Action.class));
    }

    @Test
    void readsEveryServerSettingAndDurationForm() throws Exception {
        ServerConfig config = parse("""
                server:
                  host: 0.0.0.0
                  port: 0
                  trustedProxies: [10.0.0.0/8, "fd00::/8", 192.168.1.1]
                  connectRate: {perIp: 5, window: 1m}
                  ping: {interval: 500ms, timeout: 2}
                  shutdownGrace: 1h
                  outboundBufferBytes: 65536
                  eventLoopThreads: 4
                """ + MINIMAL);

        ServerSettings s = config.server();
        assertThat(s.port()).isZero();
        assertThat(s.host()).isEqualTo("0.0.0.0");
        assertThat(s.trustedProxies()).containsExactly("10.0.0.0/8", "fd00::/8", "192.168.1.1");
        assertThat(s.connectRatePerIp()).isEqualTo(5);
        assertThat(s.connectRateWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.pingInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.pingTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.shutdownGrace()).isEqualTo(Duration.ofHours(1));
        assertThat(s.outboundBufferBytes()).isEqualTo(65536);
        assertThat(s.eventLoopThreads()).isEqualTo(4);
    }

    @Test
    void tlsFilesMustExist(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dir.resolve("key.pem"), "x");
        ServerConfig ok = parse("server:\n  tls: {certFile: '" + cert + "', keyFile: '" + key + "'}\n" + MINIMAL);
        assertThat(ok.server().tls()).contains(new TlsSettings(cert, key));

        assertThat(errorOf("server:\n  tls: {certFile: '" + dir.resolve("nope.pem") + "', keyFile: '" + key + "'}\n"
                + MINIMAL)).startsWith("server.tls.certFile: file not found");
        assertThat(errorOf("server:\n  tls: {certFile: '" + cert + "'}\n" + MINIMAL))
                .startsWith("server.tls.keyFile: required");
    }

    @Test
    void eachValidationErrorNamesItsField() {
        assertThat(errorOf(MINIMAL + "    limits: {messageRate: 0}\n"))
                .isEqualTo("apps[0].limits.messageRate: must be > 0");
        assertThat(errorOf(MINIMAL + "    limits: {messageBurst: 0}\n"))
                .isEqualTo("apps[0].limits.messageBurst: must be > 0");
        assertThat(errorOf(MINIMAL + "    limits: {maxMessageSize: 100}\n"))
                .isEqualTo("apps[0].limits.maxMessageSize: must be >= 1024");
        assertThat(errorOf(MINIMAL + "    limits: {maxMessageSize: 20000000}\n"))
                .isEqualTo("apps[0].limits.maxMessageSize: must be <= 16777216");
        assertThat(errorOf(MINIMAL + "    limits: {maxMessagesPerPeriod: -1}\n"))
                .isEqualTo("apps[0].limits.maxMessagesPerPeriod: must be >= 0");
        assertThat(errorOf(MINIMAL + "    limits: {messageRate: fast}\n"))
                .isEqualTo("apps[0].limits.messageRate: must be an integer");
        assertThat(errorOf("server: {port: 70000}\n" + MINIMAL)).isEqualTo("server.port: must be <= 65535");
        assertThat(errorOf("server: {ping: {interval: soon}}\n" + MINIMAL)).startsWith("server.ping.interval: must be a duration");
        assertThat(errorOf("server: {ping: {timeout: 0s}}\n" + MINIMAL)).isEqualTo("server.ping.timeout: must be > 0");
        assertThat(errorOf("server: {trustedProxies: [proxy.example.com]}\n" + MINIMAL))
                .startsWith("server.trustedProxies[0]: must be an IP address or CIDR block");
        assertThat(errorOf("server: {trustedProxies: [10.0.0.0/33]}\n" + MINIMAL))
                .startsWith("server.trustedProxies[0]:");
        assertThat(errorOf(MINIMAL + "    enabled: maybe\n")).isEqualTo("apps[0].enabled: must be true or false");
    }

    @Test
    void appRulesNameTheirField() {
        assertThat(errorOf("server: {port: 1}\n")).isEqualTo("apps: at least one app is required");
        assertThat(errorOf("apps: []\n")).isEqualTo("apps: at least one app is required");
        assertThat(errorOf("apps:\n  - enabled: true\n")).isEqualTo("apps[0].id: required");
        assertThat(errorOf("apps:\n  - id: 'bad id'\n")).startsWith("apps[0].id: must match");
        assertThat(errorOf("apps:\n  - id: off\n")).startsWith("apps[0].id: must be a string (quote it");
        assertThat(errorOf("apps:\n  - id: a\n  - id: a\n"))
                .isEqualTo("apps[1].id: duplicate app id 'a' (already used at apps[0].id)");
    }

    @Test
    void keyRulesNameTheirField() {
        String twoApps = """
                apps:
                  - id: a
                    publishableKeys: [{key: pk_same, channels: ["**"]}]
                    secretKeys: [{id: sk_id_same, secret: sk_secret_0123456789}]
                  - id: b
                """;
        assertThat(errorOf(twoApps + "    publishableKeys: [{key: pk_same, channels: [\"**\"]}]\n"))
                .isEqualTo("apps[1].publishableKeys[0].key: duplicate publishable key 'pk_same'"
                        + " (already used at apps[0].publishableKeys[0].key)");
        assertThat(errorOf(twoApps + "    secretKeys: [{id: sk_id_same, secret: sk_secret_abcdefghij}]\n"))
                .startsWith("apps[1].secretKeys[0].id: duplicate secret key id 'sk_id_same'");
        assertThat(errorOf(MINIMAL + "    publishableKeys: [{key: live_x, channels: [\"**\"]}]\n"))
                .startsWith("apps[0].publishableKeys[0].key: must start with 'pk_'");
        assertThat(errorOf(MINIMAL + "    publishableKeys: [{key: pk_x}]\n"))
                .startsWith("apps[0].publishableKeys[0].channels: required");
        assertThat(errorOf(MINIMAL + "    publishableKeys: [{key: pk_x, channels: []}]\n"))
                .isEqualTo("apps[0].publishableKeys[0].channels: must not be empty");
        assertThat(errorOf(MINIMAL + "    publishableKeys: [{key: pk_x, channels: ['a\\q']}]\n"))
                .startsWith("apps[0].publishableKeys[0].channels[0]: invalid channel pattern");
        assertThat(errorOf(MINIMAL + "    publishableKeys: [{key: pk_x, channels: ['**'], actions: [subscribe, pubish]}]\n"))
                .startsWith("apps[0].publishableKeys[0].actions[1]: unknown action 'pubish'");
        assertThat(errorOf(MINIMAL + "    publishableKeys: [{key: pk_x, channels: ['**'], allowedOrigins: ['https://a.com/path']}]\n"))
                .startsWith("apps[0].publishableKeys[0].allowedOrigins[0]: must be '*' or scheme://host[:port]");
        assertThat(errorOf(MINIMAL + "    secretKeys: [{id: sk_x, secret: sk_secret_0123456789}]\n"))
                .startsWith("apps[0].secretKeys[0].id: must start with 'sk_id_'");
        assertThat(errorOf(MINIMAL + "    secretKeys: [{id: sk_id_x, secret: sk_secret_1}]\n"))
                .isEqualTo("apps[0].secretKeys[0].secret: must be at least 16 characters");
        assertThat(errorOf(MINIMAL + "    secretKeys: [{id: sk_id_x, secret: topsecret_0123456789}]\n"))
                .startsWith("apps[0].secretKeys[0].secret: must start with 'sk_secret_'")
                .doesNotContain("topsecret_0123456789");
    }

    @Test
    void unknownKeysAreRejectedWithTheirPath() {
        assertThat(errorOf(MINIMAL + "    limits: {messageRat: 5}\n"))
                .startsWith("apps[0].limits.messageRat: unknown field");
        assertThat(errorOf("server: {prot: 80}\n" + MINIMAL)).startsWith("server.prot: unknown field");
        assertThat(errorOf(MINIMAL + "    publishableKeys: [{key: pk_x, channels: ['**'], origins: []}]\n"))
                .startsWith("apps[0].publishableKeys[0].origins: unknown field");
        assertThat(errorOf(MINIMAL + "extra: 1\n")).startsWith("extra: unknown field");
        assertThat(errorOf("server: {connectRate: {perip: 1}}\n" + MINIMAL))
                .startsWith("server.connectRate.perip: unknown field");
    }

    @Test
    void syntaxErrorsGiveLineAndColumn() {
        assertThat(errorOf("server:\n  port: [1, 2\napps: x\n")).contains("YAML syntax error at line");
        assertThat(errorOf("server:\n  port: 1\n  port: 2\n" + MINIMAL)).contains("line 3");
        assertThat(errorOf("")).isEqualTo("config is empty");
        assertThat(errorOf("- a\n")).startsWith("config: top level must be a mapping");
    }

    @Test
    void envOverridesWin() throws Exception {
        ServerConfig config = ConfigLoader.parse(SAMPLE, Map.of(
                "RMS_HOST", "0.0.0.0",
                "RMS_PORT", "9090",
                "RMS_TRUSTED_PROXIES", "10.0.0.0/8, 172.16.0.1",
                "RMS_OUTBOUND_BUFFER_BYTES", "2048",
                "UNRELATED", "ignored"));

        assertThat(config.server().host()).isEqualTo("0.0.0.0");
        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.server().trustedProxies()).containsExactly("10.0.0.0/8", "172.16.0.1");
        assertThat(config.server().outboundBufferBytes()).isEqualTo(2048);
    }

    @Test
    void tlsEnvOverridesAreValidatedLikeTheFile(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        Path key = Files.writeString(dir.resolve("k.pem"), "x");
        ServerConfig config = ConfigLoader.parse(MINIMAL,
                Map.of("RMS_TLS_CERT", cert.toString(), "RMS_TLS_KEY", key.toString()));
        assertThat(config.server().tls()).isEqualTo(Optional.of(new TlsSettings(cert, key)));

        assertThat(errorOf(MINIMAL, Map.of("RMS_TLS_CERT", cert.toString())))
                .startsWith("server.tls.keyFile: required");
    }

    @Test
    void badEnvValuesNameTheVariable() {
        assertThat(errorOf(SAMPLE, Map.of("RMS_PORT", "http"))).startsWith("RMS_PORT: must be an integer");
        assertThat(errorOf(SAMPLE, Map.of("RMS_PORT", "-1"))).startsWith("RMS_PORT:");
        assertThat(errorOf(SAMPLE, Map.of("RMS_OUTBOUND_BUFFER_BYTES", "1k"))).startsWith("RMS_OUTBOUND_BUFFER_BYTES:");
        assertThat(errorOf(SAMPLE, Map.of("RMS_TRUSTED_PROXIES", "10.0.0.1,proxy"))).startsWith("RMS_TRUSTED_PROXIES:");
        assertThat(errorOf(SAMPLE, Map.of("RMS_HOST", " "))).startsWith("RMS_HOST:");
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("config file not found: " + missing);

        Path bad = Files.writeString(dir.resolve("bad.yaml"), MINIMAL + "    limits: {messageRate: 0}\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of()))
                .hasMessage(bad + ": apps[0].limits.messageRate: must be > 0");

        Path good = Files.writeString(dir.resolve("good.yaml"), SAMPLE);
        assertThat(ConfigLoader.load(good, Map.of()).apps()).extracting(AppConfig::id).isEqualTo(List.of("demo"));
    }

    @Test
    void secretKeyToStringRedactsTheSecret() throws Exception {
        SecretKeyConfig sk = parse(SAMPLE).apps().get(0).secretKeys().get(0);
        assertThat(sk.toString()).contains("sk_id_demo").doesNotContain("sk_secret_demo_change_me");
    }

    @Test
    void clusterSectionIsOptionalAndReadWithDefaults() throws Exception {
        assertThat(parse(MINIMAL).cluster()).isEmpty();
        ServerConfig c = parse("cluster:\n  redis: redis://10.0.0.5:6380\n" + MINIMAL);
        ClusterSettings s = c.cluster().orElseThrow();
        assertThat(s.redis().toString()).isEqualTo("redis://10.0.0.5:6380");
        assertThat(s.keyPrefix()).isEqualTo("rms:");
        assertThat(s.heartbeatInterval()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(s.nodeTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        ServerConfig full = parse("""
                cluster:
                  redis: rediss://cache.internal:6379
                  password: hunter2
                  database: 3
                  tls: true
                  keyPrefix: "prod:"
                  heartbeatInterval: 500ms
                  nodeTimeout: 3s
                """ + MINIMAL);
        ClusterSettings f = full.cluster().orElseThrow();
        assertThat(f.password()).contains("hunter2");
        assertThat(f.database()).isEqualTo(3);
        assertThat(f.tls()).isTrue();
        assertThat(f.keyPrefix()).isEqualTo("prod:");
        assertThat(f.nodeTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    }

    @Test
    void redisTimingsAreClusterSettingsWithTheDefaultsTheyHadWhenHardCoded() throws Exception {
        ClusterSettings d = parse("cluster:\n  redis: redis://10.0.0.5:6380\n" + MINIMAL).cluster().orElseThrow();
        assertThat(d.reconnectDelay()).isEqualTo(java.time.Duration.ofMillis(300));
        assertThat(d.commandTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(d.reassertDelay()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(d.leaveTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
        ClusterSettings t = parse("""
                cluster:
                  redis: redis://10.0.0.5:6380
                  reconnectDelay: 1s
                  commandTimeout: 2s
                  reassertDelay: 250ms
                  leaveTimeout: 10s
                """ + MINIMAL).cluster().orElseThrow();
        assertThat(t.reconnectDelay()).isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(t.commandTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(t.reassertDelay()).isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(t.leaveTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(errorOf("cluster: {redis: 'redis://x:1', commandTimeout: 0s}\n" + MINIMAL))
                .contains("cluster.commandTimeout");
    }

    @Test
    void redisUrlFromTheEnvironmentJoinsACluster() throws Exception {
        ServerConfig c = ConfigLoader.parse(MINIMAL, Map.of("RMS_REDIS_URL", "redis://127.0.0.1:7000"));
        assertThat(c.cluster().orElseThrow().redis().getPort()).isEqualTo(7000);
    }

    @Test
    void clusterErrorsNameTheirField() {
        assertThat(errorOf("cluster: {}\n" + MINIMAL)).contains("cluster.redis");
        assertThat(errorOf("cluster: {redis: 'http://x'}\n" + MINIMAL)).contains("cluster.redis");
        assertThat(errorOf("cluster: {redis: 'redis://x:1', nodeTimeout: 1s, heartbeatInterval: 1s}\n" + MINIMAL))
                .contains("cluster.nodeTimeout");
        assertThat(errorOf("cluster: {redis: 'redis://x:1', bogus: 1}\n" + MINIMAL)).contains("bogus");
    }
}

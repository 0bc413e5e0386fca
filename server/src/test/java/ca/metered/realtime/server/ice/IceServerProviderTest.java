package ca.metered.realtime.server.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.auth.ChannelScope;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.ConfigLoader;
import ca.metered.realtime.server.config.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IceServerProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW = 1_700_000_000L;
    private static final String SECRET = "coturn-static-auth-secret";
    private static final IceServerProvider PROVIDER =
            new IceServerProvider(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    private static final ServerConfig CONFIG = parse("""
            iceServers:
              - urls: "stun:turn.example.com:3478"
              - urls: ["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349?transport=tcp"]
                secret: %s
                ttl: 10m
            apps:
              - id: default
              - id: own
                iceServers:
                  - urls: ["stun:stun.own.example"]
              - id: none
                iceServers: []
            """.formatted(SECRET));

    private static ServerConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, Map.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static AppConfig app(String id) {
        return CONFIG.app(id).orElseThrow();
    }

    private static Grant grant(String appId, String peerId, String metadata, Long exp) {
        return new Grant(app(appId), peerId, ChannelScope.of(List.of(ChannelPattern.compile("**"))),
                EnumSet.allOf(Action.class), null, metadata, exp, "sk_id_test");
    }

    private static JsonNode tree(RawJson raw) throws Exception {
        return JSON.readTree(raw.json());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void stunEntriesAreAsGivenAndTurnEntriesGetCredentialsMintedForThePeerValidForTheTtl() {
        IceServerProvider.IceServerList list = PROVIDER.issue(app("default"), "alice", 0);

        JsonNode servers = list.servers();
        assertThat(servers).hasSize(2);
        assertThat(servers.get(0).toString()).isEqualTo("{\"urls\":[\"stun:turn.example.com:3478\"]}");
        JsonNode turn = servers.get(1);
        assertThat(fieldNames(turn)).containsExactly("urls", "username", "credential");
        assertThat(turn.get("urls").get(1).asText()).isEqualTo("turns:turn.example.com:5349?transport=tcp");
        long expiry = NOW + 600;
        assertThat(turn.get("username").asText()).isEqualTo(expiry + ":alice");
        assertThat(turn.get("credential").asText()).isEqualTo(TurnCredentials.credential(SECRET, expiry + ":alice"));
        assertThat(list.expiresAtEpochSeconds()).isEqualTo(expiry);
    }

    @Test
    void credentialsOutliveTheTokenTheyComeWith() {
        long tokenExp = NOW + 7200;

        IceServerProvider.IceServerList list = PROVIDER.issue(app("default"), "alice", tokenExp);

        assertThat(list.servers().get(1).get("username").asText()).isEqualTo(tokenExp + ":alice");
        assertThat(list.expiresAtEpochSeconds()).isEqualTo(tokenExp);
    }

    @Test
    void anAppsOwnListReplacesTheDefaultAndAnEmptyOneMeansNone() {
        assertThat(PROVIDER.issue(app("own"), "a", 0).servers().toString())
                .isEqualTo("[{\"urls\":[\"stun:stun.own.example\"]}]");
        assertThat(PROVIDER.issue(app("own"), "a", 0).expiresAtEpochSeconds()).isNull();
        assertThat(PROVIDER.issue(app("none"), "a", 0).servers()).isEmpty();
    }

    @Test
    void aPublishableKeyConnectionIsWelcomedWithOnlyTheIceServers() throws Exception {
        JsonNode metadata = tree(PROVIDER.welcomeMetadata(grant("default", "9f1c-uuid", null, null)));

        assertThat(fieldNames(metadata)).containsExactly("iceServers");
        assertThat(metadata.get("iceServers").get(1).get("username").asText()).isEqualTo((NOW + 600) + ":9f1c-uuid");
    }

    @Test
    void aTokensOtherMetadataKeysAreKeptVerbatimAndTheListIsAddedLast() {
        String own = "{\"zeta\":1.50,\"alpha\":{\"b\":true,\"a\":null},\"room\":\"x\"}";
        long exp = NOW + 60;

        String welcome = PROVIDER.welcomeMetadata(grant("default", "bob", own, exp)).json();

        assertThat(welcome).startsWith("{\"zeta\":1.50,\"alpha\":{\"b\":true,\"a\":null},\"room\":\"x\",\"iceServers\":[");
        assertThat(welcome).contains("\"username\":\"" + (NOW + 600) + ":bob\"");
    }

    @Test
    void anEmptyTokenMetadataObjectGetsTheList() throws Exception {
        JsonNode metadata = tree(PROVIDER.welcomeMetadata(grant("default", "bob", "{}", NOW + 60)));

        assertThat(fieldNames(metadata)).containsExactly("iceServers");
    }

    @Test
    void aTokensOwnIceServersWinWhateverTheyHold() {
        for (String own : List.of("{\"a\":1,\"iceServers\":[{\"urls\":\"stun:mine.example\"}]}",
                "{\"iceServers\":[]}", "{\"iceServers\":null,\"b\":2}")) {
            assertThat(PROVIDER.welcomeMetadata(grant("default", "bob", own, NOW + 60)).json()).isEqualTo(own);
        }
    }

    @Test
    void withoutIceServersTheWelcomeMetadataIsTheTokensOrNone() {
        assertThat(PROVIDER.welcomeMetadata(grant("none", "bob", null, null))).isNull();
        assertThat(PROVIDER.welcomeMetadata(grant("none", "bob", "{\"a\":1}", NOW + 60)).json()).isEqualTo("{\"a\":1}");
    }

    @Test
    void embeddingAddsAFreshListToTheRequestsMetadataWithoutChangingIt() {
        ObjectNode given = JSON.createObjectNode().put("room", "r1");

        ObjectNode out = PROVIDER.embed(app("default"), "carol", given, NOW + 3600);

        assertThat(fieldNames(out)).containsExactly("room", "iceServers");
        assertThat(out.get("iceServers").get(1).get("username").asText()).isEqualTo((NOW + 3600) + ":carol");
        assertThat(fieldNames(given)).containsExactly("room");
        assertThat(fieldNames(PROVIDER.embed(app("default"), "carol", null, NOW))).containsExactly("iceServers");
    }

    @Test
    void embeddingIsRefusedWhenTheMetadataHasItsOwnListOrTheAppHasNone() {
        ObjectNode own = JSON.createObjectNode();
        own.putArray("iceServers");
        assertThatThrownBy(() -> PROVIDER.embed(app("default"), "carol", own, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata.iceServers");
        assertThatThrownBy(() -> PROVIDER.embed(app("none"), "carol", null, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no iceServers");
    }
}

package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ICE servers over real connections (docs/turn.md): injected into {@code welcome.metadata} for
 * publishable-key and JWT connections, a token's own list kept, and the REST ways to get them.
 */
class IceServersIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TURN_SECRET = "coturn-static-auth-secret";
    private static final long TTL = 600;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("""
                server:
                  host: 127.0.0.1
                  port: 0
                iceServers:
                  - urls: stun:turn.example.com:3478
                  - urls: ["turn:turn.example.com:3478", "turns:turn.example.com:5349?transport=tcp"]
                    secret: %s
                    ttl: %ds
                apps:
                  - id: demo
                    publishableKeys:
                      - key: pk_live_demo
                        channels: ["**"]
                    secretKeys:
                      - id: sk_id_demo
                        secret: sk_secret_demo_change_me
                  - id: bare
                    iceServers: []
                    publishableKeys:
                      - key: pk_live_bare
                        channels: ["**"]
                """.formatted(TURN_SECRET, TTL));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The HMAC every TURN entry must carry, computed here independently of the server's code. */
    private static String hmac(String username) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    }

    /** Asserts the configured list with credentials for {@code peerId} valid until at least {@code notBefore}. */
    private static long assertIceServersFor(JsonNode list, String peerId, long notBefore) throws Exception {
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.get(0).toString()).isEqualTo("{\"urls\":[\"stun:turn.example.com:3478\"]}");
        JsonNode turn = list.get(1);
        assertThat(turn.get("urls").toString())
                .isEqualTo("[\"turn:turn.example.com:3478\",\"turns:turn.example.com:5349?transport=tcp\"]");
        String username = turn.get("username").asText();
        assertThat(username).endsWith(":" + peerId);
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertThat(expiry).isBetween(notBefore, Jwts.nowSeconds() + Math.max(TTL, notBefore - Jwts.nowSeconds()) + 1);
        assertThat(turn.get("credential").asText()).isEqualTo(hmac(username));
        return expiry;
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void aPublishableKeyConnectionIsWelcomedWithStunAndTurnCredentialsForItsOwnPeerId() throws Exception {
        long before = Jwts.nowSeconds();
        try (WsClient a = WsClient.connect(server.keyUri(TestServer.PK));
             WsClient b = WsClient.connect(server.keyUri(TestServer.PK))) {
            JsonNode wa = a.expect("welcome");
            JsonNode wb = b.expect("welcome");
            assertThat(fieldNames(wa.get("metadata"))).containsExactly("iceServers");
            assertIceServersFor(wa.get("metadata").get("iceServers"), wa.get("peerId").asText(), before + TTL);
            assertIceServersFor(wb.get("metadata").get("iceServers"), wb.get("peerId").asText(), before + TTL);
            assertThat(wa.get("metadata").get("iceServers").get(1).get("credential"))
                    .isNotEqualTo(wb.get("metadata").get("iceServers").get(1).get("credential"));
        }
    }

    @Test
    void aJwtConnectionKeepsItsOtherMetadataAndGetsCredentialsThatOutliveItsToken() throws Exception {
        long exp = Jwts.nowSeconds() + 3600;
        String token = Jwts.demo("{\"sub\":\"alice\",\"exp\":" + exp + ",\"metadata\":{\"room\":\"r1\",\"n\":{\"b\":1,\"a\":2}}}");
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            JsonNode metadata = c.expect("welcome").get("metadata");
            assertThat(fieldNames(metadata)).containsExactly("room", "n", "iceServers");
            assertThat(metadata.get("n").toString()).isEqualTo("{\"b\":1,\"a\":2}");
            assertThat(assertIceServersFor(metadata.get("iceServers"), "alice", exp)).isEqualTo(exp);
        }
        String noMetadata = Jwts.demo(Jwts.claims("bob", 60, null));
        try (WsClient c = WsClient.connect(server.tokenUri(noMetadata))) {
            JsonNode metadata = c.expect("welcome").get("metadata");
            assertThat(fieldNames(metadata)).containsExactly("iceServers");
            assertIceServersFor(metadata.get("iceServers"), "bob", Jwts.nowSeconds() + TTL - 1);
        }
    }

    @Test
    void aJwtWithItsOwnIceServersKeepsThem() throws Exception {
        String own = "{\"iceServers\":[{\"urls\":\"turn:mine.example\",\"username\":\"u\",\"credential\":\"p\"}],\"x\":1}";
        String token = Jwts.demo("{\"sub\":\"carol\",\"exp\":" + (Jwts.nowSeconds() + 60) + ",\"metadata\":" + own + "}");
        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            assertThat(c.expect("welcome").get("metadata")).isEqualTo(JSON.readTree(own));
        }
    }

    @Test
    void anAppWithAnEmptyListGetsNoMetadata() {
        try (WsClient c = WsClient.connect(server.keyUri("pk_live_bare"))) {
            assertThat(c.expect("welcome").has("metadata")).isFalse();
        }
    }

    @Test
    void getIceServersReturnsAFreshListForThePeerWithItsExpiry() throws Exception {
        long before = Jwts.nowSeconds();
        JsonNode body = ok(server.rest("GET", "/v1/ice-servers?peerId=dave", TestServer.BEARER, null));
        assertThat(fieldNames(body)).containsExactly("iceServers", "expiresAt");
        long expiry = assertIceServersFor(body.get("iceServers"), "dave", before + TTL);
        assertThat(body.get("expiresAt").asLong()).isEqualTo(expiry);

        JsonNode longer = ok(server.rest("GET", "/v1/ice-servers?peerId=dave&expiresInSec=7200", TestServer.BEARER, null));
        assertThat(assertIceServersFor(longer.get("iceServers"), "dave", before + 7200)).isGreaterThanOrEqualTo(before + 7200);
    }

    @Test
    void getIceServersRefusesBadRequests() {
        assertThat(server.rest("GET", "/v1/ice-servers?peerId=dave", null, null).statusCode()).isEqualTo(401);
        assertError(server.rest("GET", "/v1/ice-servers", TestServer.BEARER, null), 400, "invalid_request");
        assertError(server.rest("GET", "/v1/ice-servers?peerId=a&peerId=b", TestServer.BEARER, null), 400, "invalid_request");
        assertError(server.rest("GET", "/v1/ice-servers?peerId=a&expiresInSec=0", TestServer.BEARER, null), 400, "invalid_request");
        assertError(server.rest("GET", "/v1/ice-servers?peerId=a&expiresInSec=x", TestServer.BEARER, null), 400, "invalid_request");
        assertError(server.rest("POST", "/v1/ice-servers?peerId=a", TestServer.BEARER, "{}"), 405, "method_not_allowed");
    }

    @Test
    void aTokenMintedWithEmbedIceServersCarriesThemAndTheWelcomeKeepsThatList() throws Exception {
        long before = Jwts.nowSeconds();
        JsonNode minted = ok(server.rest("POST", "/v1/tokens", TestServer.BEARER,
                "{\"peerId\":\"erin\",\"expiresInSec\":7200,\"metadata\":{\"room\":\"r\"},\"embedIceServers\":true}"));
        String token = minted.get("token").asText();
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        JsonNode embedded = claims.get("metadata");
        assertThat(fieldNames(embedded)).containsExactly("room", "iceServers");
        assertIceServersFor(embedded.get("iceServers"), "erin", before + 7200);

        try (WsClient c = WsClient.connect(server.tokenUri(token))) {
            assertThat(c.expect("welcome").get("metadata")).isEqualTo(embedded);
        }
    }

    @Test
    void embedIceServersIsRefusedWhenTheMetadataHasItsOwnOrTheValueIsNotABoolean() {
        assertError(server.rest("POST", "/v1/tokens", TestServer.BEARER,
                "{\"peerId\":\"f\",\"metadata\":{\"iceServers\":[]},\"embedIceServers\":true}"), 400, "invalid_request");
        assertError(server.rest("POST", "/v1/tokens", TestServer.BEARER,
                "{\"peerId\":\"f\",\"embedIceServers\":\"yes\"}"), 400, "invalid_request");
        assertError(server.rest("POST", "/v1/tokens", TestServer.BEARER,
                "{\"peerId\":\"\",\"embedIceServers\":true}"), 400, "invalid_request");
    }

    private static JsonNode ok(HttpResponse<String> res) throws Exception {
        assertThat(res.statusCode()).as("status of %s", res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    private static void assertError(HttpResponse<String> res, int status, String code) {
        assertThat(res.statusCode()).as("status of %s", res.body()).isEqualTo(status);
        try {
            assertThat(JSON.readTree(res.body()).path("error").asText()).isEqualTo(code);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

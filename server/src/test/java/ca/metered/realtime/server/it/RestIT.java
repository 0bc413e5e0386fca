package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST control plane: every endpoint and status of docs/protocol.md 7. */
class RestIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NARROW = "Bearer sk_id_narrow:sk_secret_narrow_0123456789";
    private static final String OTHER = "Bearer sk_id_other:sk_secret_other_0123456789";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> post(String path, String auth, String body) {
        return server.rest("POST", path, auth, body);
    }

    private static HttpResponse<String> get(String path, String auth) {
        return server.rest("GET", path, auth, null);
    }

    private static JsonNode ok(HttpResponse<String> res) {
        assertThat(res.statusCode()).as("status of %s", res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return parse(res.body());
    }

    /** Asserts the status and the shared error shape {@code {"error","message"}} (docs/protocol.md 7). */
    private static JsonNode assertError(HttpResponse<String> res, int status, String code) {
        assertThat(res.statusCode()).as("status of %s", res.body()).isEqualTo(status);
        return assertErrorBody(res.body(), code);
    }

    private static JsonNode assertErrorBody(String body, String code) {
        JsonNode n = parse(body);
        List<String> fields = new ArrayList<>();
        n.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as("error body %s", body).containsExactlyInAnyOrder("error", "message");
        assertThat(n.path("error").isTextual()).isTrue();
        assertThat(n.path("message").isTextual()).isTrue();
        assertThat(n.path("message").asText()).isNotBlank();
        if (code != null) {
            assertThat(n.path("error").asText()).isEqualTo(code);
        }
        return n;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static JsonNode claims(String jwt) {
        return parse(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static JsonNode mint(String auth, String body) {
        return ok(post("/v1/tokens", auth, body));
    }

    private static WsClient connectWithToken(String body) {
        WsClient c = WsClient.connect(server.tokenUri(mint(TestServer.BEARER, body).path("token").asText()));
        c.expect("welcome");
        return c;
    }

    /** Polls {@code GET path} until the condition holds; a bounded wait, not a sleep-to-synchronise. */
    private static JsonNode eventually(String path, String auth, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode last;
        do {
            last = ok(get(path, auth));
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("condition never held; last " + last);
    }

    // ---- POST /v1/tokens ------------------------------------------------------------------

    @Test
    void tokensReturnsTokenAndExpiresAtWithDefaults() {
        long before = System.currentTimeMillis() / 1000;
        JsonNode res = mint(TestServer.BEARER, "{\"peerId\":\"alice\"}");
        List<String> fields = new ArrayList<>();
        res.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("token", "expiresAt");
        long expiresAt = res.path("expiresAt").asLong();
        assertThat(expiresAt).isBetween(before + 3600, before + 3602);
        String token = res.path("token").asText();
        assertThat(parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8)))
                .isEqualTo(parse("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"sk_id_demo\"}"));
        JsonNode claims = claims(token);
        assertThat(claims.path("sub").asText()).isEqualTo("alice");
        assertThat(claims.path("exp").asLong()).isEqualTo(expiresAt);
        assertThat(claims.has("channels")).as("no channels claim by default").isFalse();
        assertThat(names(claims.path("permissions"))).containsExactlyInAnyOrder("subscribe", "publish", "presence", "send");
    }

    @Test
    void mintedTokenIsWelcomedOnTheWebSocket() {
        JsonNode res = mint(TestServer.BEARER, "{\"peerId\":\"alice-ws\",\"expiresInSec\":120,"
                + "\"metadata\":{\"iceServers\":[{\"urls\":\"stun:stun.example.com\"}]},\"peerMetadata\":{\"name\":\"Alice\"}}");
        try (WsClient c = WsClient.connect(server.tokenUri(res.path("token").asText()))) {
            JsonNode welcome = c.expect("welcome");
            assertThat(welcome.path("peerId").asText()).isEqualTo("alice-ws");
            assertThat(welcome.path("expiresAt").asLong()).isEqualTo(res.path("expiresAt").asLong());
            assertThat(welcome.path("metadata")).isEqualTo(parse("{\"iceServers\":[{\"urls\":\"stun:stun.example.com\"}]}"));
        }
    }

    @Test
    void mintedTokenCarriesRequestedChannelsAndPermissions() {
        JsonNode res = mint(NARROW, "{\"peerId\":\"n1\",\"channels\":[\"room-1\"],\"permissions\":[\"subscribe\"]}");
        JsonNode claims = claims(res.path("token").asText());
        assertThat(names(claims.path("channels"))).containsExactly("room-1");
        assertThat(names(claims.path("permissions"))).containsExactly("subscribe");
        try (WsClient c = WsClient.connect(server.tokenUri(res.path("token").asText()))) {
            c.expect("welcome");
            c.subscribe("room-1");
            c.sendJson("type", "subscribe", "channel", "room-2", "requestId", "r2");
            c.expectError("channel_not_authorized", "r2");
            c.sendJson("type", "publish", "channel", "room-1", "data", 1, "requestId", "p");
            c.expectError("action_not_permitted", "p");
        }
    }

    @Test
    void tokenWithChannelsOutsideTheKeyIs403ChannelNotAuthorized() {
        assertError(post("/v1/tokens", NARROW, "{\"peerId\":\"n\",\"channels\":[\"lobby\"]}"), 403, "channel_not_authorized");
        assertError(post("/v1/tokens", NARROW, "{\"peerId\":\"n\",\"channels\":[\"**\"]}"), 403, "channel_not_authorized");
    }

    @Test
    void tokenWithPermissionsOutsideTheKeyIs403ActionNotPermitted() {
        assertError(post("/v1/tokens", NARROW, "{\"peerId\":\"n\",\"permissions\":[\"presence\"]}"), 403, "action_not_permitted");
    }

    @Test
    void tokenRequestsOutsideTheLimitsAre400InvalidRequest() {
        assertError(post("/v1/tokens", TestServer.BEARER, "{\"peerId\":\"a\",\"expiresInSec\":86401}"), 400, "invalid_request");
        assertError(post("/v1/tokens", TestServer.BEARER, "{\"peerId\":\"a\",\"expiresInSec\":0}"), 400, "invalid_request");
        String channels = IntStream.range(0, 101).mapToObj(i -> "\"c" + i + "\"").collect(Collectors.joining(",", "[", "]"));
        assertError(post("/v1/tokens", TestServer.BEARER, "{\"peerId\":\"a\",\"channels\":" + channels + "}"), 400, "invalid_request");
        assertError(post("/v1/tokens", TestServer.BEARER, "{\"channels\":[\"a\"]}"), 400, "invalid_request");
        assertError(post("/v1/tokens", TestServer.BEARER, "{\"peerId\":\"\"}"), 400, "invalid_request");
        assertError(post("/v1/tokens", TestServer.BEARER, "{\"peerId\":\"a\",\"permissions\":[\"fly\"]}"), 400, "invalid_request");
        assertError(post("/v1/tokens", TestServer.BEARER, "{\"peerId\":\"a\",\"metadata\":[1]}"), 400, "invalid_request");
    }

    @Test
    void maximumTokenRequestIsAccepted() {
        String channels = IntStream.range(0, 100).mapToObj(i -> "\"c" + i + "\"").collect(Collectors.joining(",", "[", "]"));
        JsonNode res = mint(TestServer.BEARER, "{\"peerId\":\"a\",\"expiresInSec\":86400,\"channels\":" + channels + "}");
        assertThat(claims(res.path("token").asText()).path("channels").size()).isEqualTo(100);
    }

    @Test
    void badJsonOrNoBodyIs400InvalidRequest() {
        assertError(post("/v1/tokens", TestServer.BEARER, "{\"peerId\":"), 400, "invalid_request");
        assertError(post("/v1/tokens", TestServer.BEARER, "[1,2]"), 400, "invalid_request");
        assertError(post("/v1/tokens", TestServer.BEARER, null), 400, "invalid_request");
    }

    @Test
    void bodyOver32KbIs413InvalidRequest() throws Exception {
        // Only the head is sent: the server decides on Content-Length, so the test does not race
        // the server's close against uploading the body.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/tokens HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + TestServer.BEARER
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (32 * 1024 + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readAll(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
            assertErrorBody(response.substring(response.indexOf("\r\n\r\n") + 4), "invalid_request");
        }
    }

    @Test
    void bodyOfExactly32KbIsRead() {
        String head = "{\"peerId\":\"a\",\"pad\":\"";
        String body = head + "x".repeat(32 * 1024 - head.length() - 2) + "\"}";
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(32 * 1024);
        mint(TestServer.BEARER, body);
    }

    // ---- GET /v1/channels/:channel/peers --------------------------------------------------

    @Test
    void peersListsEveryPeerOfAnEncodedChannelWithMetadata() {
        try (WsClient alice = connectWithToken("{\"peerId\":\"peer-alice\",\"peerMetadata\":{\"name\":\"Alice\",\"n\":1}}");
                WsClient anon = server.client()) {
            alice.subscribe("a/b");
            anon.subscribe("a/b");
            JsonNode res = ok(get("/v1/channels/a%2Fb/peers", TestServer.BEARER));
            assertThat(res.path("channel").asText()).isEqualTo("a/b");
            assertThat(res.path("peers")).hasSize(2);
            JsonNode a = find(res.path("peers"), "peer-alice");
            assertThat(a.path("metadata")).isEqualTo(parse("{\"name\":\"Alice\",\"n\":1}"));
            JsonNode other = res.path("peers").get(a == res.path("peers").get(0) ? 1 : 0);
            assertThat(other.has("metadata")).as("pk peer %s", other).isFalse();
        }
    }

    @Test
    void peersOfAnEmptyChannelIsAnEmptyList() {
        JsonNode res = ok(get("/v1/channels/nobody-here/peers", TestServer.BEARER));
        assertThat(res.path("channel").asText()).isEqualTo("nobody-here");
        assertThat(res.path("peers").isArray()).isTrue();
        assertThat(res.path("peers")).isEmpty();
    }

    @Test
    void peersNeedsThePresenceAction() {
        assertError(get("/v1/channels/room-1/peers", NARROW), 403, "action_not_permitted");
    }

    @Test
    void peersOfAReservedChannelIs400ChannelReserved() {
        assertError(get("/v1/channels/_metered%2Fstats/peers", TestServer.BEARER), 400, "channel_reserved");
        assertError(get("/v1/channels/_SYSTEM%2Fx/peers", TestServer.BEARER), 400, "channel_reserved");
    }

    @Test
    void peersOfAnInvalidChannelIs400InvalidRequest() {
        assertError(get("/v1/channels/bad%01name/peers", TestServer.BEARER), 400, "invalid_request");
        assertError(get("/v1/channels/" + "x".repeat(257) + "/peers", TestServer.BEARER), 400, "invalid_request");
    }

    // ---- POST /v1/channels/:channel/publish -----------------------------------------------

    @Test
    void publishReachesSubscribersFromServerWithDeliveredCount() {
        try (WsClient a = server.client(); WsClient b = server.client()) {
            a.subscribe("news");
            b.subscribe("news");
            a.expect("presence"); // b joined
            JsonNode res = ok(post("/v1/channels/news/publish", TestServer.BEARER, "{\"data\":{\"headline\":\"hi\",\"n\":[1,2]}}"));
            assertThat(res.path("channel").asText()).isEqualTo("news");
            assertThat(res.path("delivered").asInt()).isEqualTo(2);
            for (WsClient c : List.of(a, b)) {
                JsonNode m = c.expect("message");
                assertThat(m.path("channel").asText()).isEqualTo("news");
                assertThat(m.path("from").asText()).isEqualTo("server");
                assertThat(m.path("data")).isEqualTo(parse("{\"headline\":\"hi\",\"n\":[1,2]}"));
                assertThat(m.has("fromMetadata")).isFalse();
            }
        }
    }

    @Test
    void publishWithFromAndPeerMetadataShowsFromMetadataOnlyToSubscribersWhoAskedForIt() {
        try (WsClient withMeta = server.client(); WsClient plain = server.client()) {
            withMeta.sendJson("type", "subscribe", "channel", "room-m", "requestId", "s", "includeSenderMetadata", true);
            withMeta.expect("ack");
            withMeta.expect("presence");
            plain.subscribe("room-m");
            withMeta.expect("presence");
            JsonNode res = ok(post("/v1/channels/room-m/publish", TestServer.BEARER,
                    "{\"data\":\"hello\",\"from\":\"bot-1\",\"peerMetadata\":{\"name\":\"Bot\"}}"));
            assertThat(res.path("delivered").asInt()).isEqualTo(2);
            JsonNode m1 = withMeta.expect("message");
            assertThat(m1.path("from").asText()).isEqualTo("bot-1");
            assertThat(m1.path("data").asText()).isEqualTo("hello");
            assertThat(m1.path("fromMetadata")).isEqualTo(parse("{\"name\":\"Bot\"}"));
            JsonNode m2 = plain.expect("message");
            assertThat(m2.path("from").asText()).isEqualTo("bot-1");
            assertThat(m2.has("fromMetadata")).isFalse();
        }
    }

    @Test
    void publishToAnEmptyChannelDeliversZero() {
        assertThat(ok(post("/v1/channels/empty-room/publish", TestServer.BEARER, "{\"data\":null}")).path("delivered").asInt())
                .isZero();
    }

    @Test
    void publishWithoutDataIs400() {
        assertError(post("/v1/channels/news/publish", TestServer.BEARER, "{\"from\":\"x\"}"), 400, "invalid_request");
    }

    @Test
    void publishWithAnInvalidFromIs400() {
        assertError(post("/v1/channels/news/publish", TestServer.BEARER, "{\"data\":1,\"from\":\"\"}"), 400, "invalid_request");
    }

    @Test
    void publishOutsideTheKeysChannelsIs403() {
        assertError(post("/v1/channels/lobby/publish", NARROW, "{\"data\":1}"), 403, "channel_not_authorized");
        ok(post("/v1/channels/room-5/publish", NARROW, "{\"data\":1}"));
    }

    @Test
    void publishToAReservedChannelIs400ChannelReserved() {
        assertError(post("/v1/channels/_internal%2Fx/publish", TestServer.BEARER, "{\"data\":1}"), 400, "channel_reserved");
    }

    @Test
    void publishReachesWildcardSubscribersWithTheConcreteChannel() {
        try (WsClient backend = server.client()) {
            backend.subscribe("devices/*/events");
            ok(post("/v1/channels/devices%2Fd1%2Fevents/publish", TestServer.BEARER, "{\"data\":{\"t\":1}}"));
            JsonNode m = backend.expect("message");
            assertThat(m.path("channel").asText()).isEqualTo("devices/d1/events");
            assertThat(m.path("from").asText()).isEqualTo("server");
        }
    }

    @Test
    void publishToAWildcardNameIs400() {
        assertError(post("/v1/channels/devices%2F*/publish", TestServer.BEARER, "{\"data\":1}"), 400, "invalid_request");
    }

    @Test
    void publishOverTheAppsMessageQuotaIs429OverMessageQuotaAndCounted() {
        try (TestServer s = TestServer.start(TestServer.DEFAULT_YAML.replace("maxMessagesPerPeriod: 0", "maxMessagesPerPeriod: 1"))) {
            assertThat(s.rest("POST", "/v1/channels/q/publish", TestServer.BEARER, "{\"data\":1}").statusCode()).isEqualTo(200);
            assertError(s.rest("POST", "/v1/channels/q/publish", TestServer.BEARER, "{\"data\":2}"), 429, "over_message_quota");
            JsonNode usage = parse(s.rest("GET", "/v1/usage", TestServer.BEARER, null).body());
            assertThat(usage.path("messagesUsed").asLong()).isEqualTo(2);
            assertThat(usage.path("plan").path("maxMessagesPerPeriod").asLong()).isEqualTo(1);
        }
    }

    @Test
    void peersListsAPeerWithSeveralConnectionsOnce() {
        String token = mint(TestServer.BEARER, "{\"peerId\":\"two-tabs\"}").path("token").asText();
        try (WsClient tab1 = WsClient.connect(server.tokenUri(token)); WsClient tab2 = WsClient.connect(server.tokenUri(token))) {
            tab1.expect("welcome");
            tab2.expect("welcome");
            tab1.subscribe("tabs");
            tab2.subscribe("tabs");
            JsonNode res = ok(get("/v1/channels/tabs/peers", TestServer.BEARER));
            assertThat(res.path("peers")).hasSize(1);
            assertThat(res.path("peers").get(0).path("peerId").asText()).isEqualTo("two-tabs");
        }
    }

    // ---- DELETE /v1/peers/:peerId ---------------------------------------------------------

    @Test
    void kickClosesEveryConnectionOfThePeerWith4020() {
        String token = mint(TestServer.BEARER, "{\"peerId\":\"kick-me\"}").path("token").asText();
        try (WsClient tab1 = WsClient.connect(server.tokenUri(token));
                WsClient tab2 = WsClient.connect(server.tokenUri(token));
                WsClient bystander = server.client()) {
            tab1.expect("welcome");
            tab2.expect("welcome");
            JsonNode res = ok(server.rest("DELETE", "/v1/peers/kick-me", TestServer.BEARER, null));
            assertThat(res.path("peerId").asText()).isEqualTo("kick-me");
            assertThat(res.path("closed").asInt()).isEqualTo(2);
            assertThat(tab1.awaitClose().code()).isEqualTo(4020);
            assertThat(tab2.awaitClose().code()).isEqualTo(4020);
            bystander.expectNothingPending();
        }
    }

    @Test
    void kickOfAnOfflinePeerIsZeroNotAnError() {
        JsonNode res = ok(server.rest("DELETE", "/v1/peers/nobody%20home", TestServer.BEARER, null));
        assertThat(res.path("peerId").asText()).isEqualTo("nobody home");
        assertThat(res.path("closed").asInt()).isZero();
    }

    @Test
    void kickOnlyReachesPeersOfTheKeysApp() {
        String token = mint(TestServer.BEARER, "{\"peerId\":\"same-name\"}").path("token").asText();
        try (WsClient demoPeer = WsClient.connect(server.tokenUri(token))) {
            demoPeer.expect("welcome");
            assertThat(ok(server.rest("DELETE", "/v1/peers/same-name", OTHER, null)).path("closed").asInt()).isZero();
            demoPeer.expectNothingPending();
        }
    }

    // ---- GET /v1/usage --------------------------------------------------------------------

    @Test
    void usageHasTheDocumentedShapeAndFollowsConnectionsAndMessages() throws Exception {
        // The 'other' app is used by this test only, so its counters are ours to watch.
        JsonNode before = ok(get("/v1/usage", OTHER));
        List<String> fields = new ArrayList<>();
        before.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("appId", "periodStartUnix", "periodEndUnix", "concurrentNow",
                "peakConcurrent", "messagesUsed", "overageMessages", "overageConnections", "plan");
        assertThat(before.path("appId").asText()).isEqualTo("other");
        assertThat(before.path("periodStartUnix").asLong()).isLessThan(before.path("periodEndUnix").asLong());
        assertThat(before.path("overageMessages").asLong()).isZero();
        assertThat(before.path("overageConnections").asLong()).isZero();
        JsonNode plan = before.path("plan");
        assertThat(plan.path("name").isTextual()).isTrue();
        assertThat(plan.path("maxConcurrentConnections").isNumber()).isTrue();
        assertThat(plan.path("maxMessagesPerPeriod").isNumber()).isTrue();
        assertThat(plan.path("overagesAllowed").asBoolean(true)).isFalse();
        assertThat(plan.path("overagesEnabled").asBoolean(true)).isFalse();
        long used = before.path("messagesUsed").asLong();
        long now = before.path("concurrentNow").asLong();

        try (WsClient a = server.client("pk_live_other"); WsClient b = server.client("pk_live_other")) {
            JsonNode during = ok(get("/v1/usage", OTHER));
            assertThat(during.path("concurrentNow").asLong()).isEqualTo(now + 2);
            assertThat(during.path("peakConcurrent").asLong()).isGreaterThanOrEqualTo(now + 2);
            a.subscribe("u");
            a.sendJson("type", "publish", "channel", "u", "data", 1, "requestId", "p1");
            a.expect("ack");
            assertThat(ok(post("/v1/channels/u/publish", OTHER, "{\"data\":2}")).path("delivered").asInt()).isEqualTo(1);
            a.expect("message");
            assertThat(ok(get("/v1/usage", OTHER)).path("messagesUsed").asLong()).isEqualTo(used + 2);
        }
        JsonNode after = eventually("/v1/usage", OTHER, u -> u.path("concurrentNow").asLong() == now);
        assertThat(after.path("peakConcurrent").asLong()).isGreaterThanOrEqualTo(now + 2);
    }

    // ---- auth, routing, rate limit, health -----------------------------------------------

    @Test
    void everyBadCredentialGetsTheSame401() {
        List<String> bodies = new ArrayList<>();
        for (String auth : new String[] {null, "Bearer pk_live_demo", "Bearer sk_id_demo", "Bearer sk_id_demo:",
                "Bearer sk_id_demo:wrong_secret", "Bearer sk_id_nope:sk_secret_demo_change_me", "Basic c2tfaWQ6eA==",
                "sk_id_demo:sk_secret_demo_change_me"}) {
            HttpResponse<String> res = get("/v1/usage", auth);
            assertError(res, 401, "unauthorized");
            bodies.add(res.body());
        }
        assertThat(Set.copyOf(bodies)).hasSize(1);
    }

    @Test
    void keyOfASuspendedAppIsUnauthorized() {
        TestServer s = TestServer.start(TestServer.DEFAULT_YAML.replace(
                "                publishableKeys:\n                  - key: pk_live_off\n                    channels: [\"**\"]\n",
                "                publishableKeys:\n                  - key: pk_live_off\n                    channels: [\"**\"]\n"
                        + "                secretKeys:\n                  - id: sk_id_off\n                    secret: sk_secret_off_0123456789\n"));
        try (s) {
            assertError(s.rest("GET", "/v1/usage", "Bearer sk_id_off:sk_secret_off_0123456789", null), 401, "unauthorized");
            assertError(s.rest("POST", "/v1/tokens", "Bearer sk_id_off:sk_secret_off_0123456789", "{\"peerId\":\"a\"}"),
                    401, "unauthorized");
        }
    }

    @Test
    void unknownPathIs404() {
        assertError(get("/v1/nope", TestServer.BEARER), 404, "not_found");
        assertError(get("/v1/channels/x/members", TestServer.BEARER), 404, "not_found");
        assertError(get("/nope", null), 404, "not_found");
    }

    @Test
    void wrongMethodIs405() {
        assertError(get("/v1/tokens", TestServer.BEARER), 405, "method_not_allowed");
        assertError(post("/v1/usage", TestServer.BEARER, "{}"), 405, "method_not_allowed");
        assertError(server.rest("DELETE", "/v1/channels/x/publish", TestServer.BEARER, null), 405, "method_not_allowed");
    }

    @Test
    void burstOverTheKeysRestRateIs429() {
        try (TestServer s = TestServer.start()) {
            // RestApi: 100 requests/s sustained, burst 200. A bounded sequential burst must hit it.
            HttpResponse<String> limited = null;
            int sent = 0;
            while (limited == null && sent < 1000) {
                HttpResponse<String> res = s.rest("GET", "/v1/usage", TestServer.BEARER, null);
                sent++;
                if (res.statusCode() == 429) {
                    limited = res;
                } else {
                    assertThat(res.statusCode()).isEqualTo(200);
                }
            }
            assertThat(limited).as("429 within %d requests", sent).isNotNull();
            assertThat(sent).isGreaterThan(200);
            assertError(limited, 429, "rate_limited");
            // The bucket is per key: another key of the same server is unaffected.
            assertThat(s.rest("GET", "/v1/usage", NARROW, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void healthAndReadinessAre200() {
        HttpResponse<String> health = get("/healthz", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(parse(health.body()).path("status").asText()).isEqualTo("ok");
        HttpResponse<String> ready = get("/readyz", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(parse(ready.body()).path("status").asText()).isEqualTo("ready");
    }

    @Test
    void plainGetOnTheWebSocketEndpointIsRefusedWithTheErrorShape() {
        HttpResponse<String> res = get("/v1", null);
        assertThat(res.statusCode()).isEqualTo(426);
        assertErrorBody(res.body(), "invalid_request");
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode find(JsonNode peers, String peerId) {
        for (JsonNode p : peers) {
            if (p.path("peerId").asText().equals(peerId)) {
                return p;
            }
        }
        throw new AssertionError(peerId + " not in " + peers);
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toString(StandardCharsets.UTF_8);
    }
}

package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The extensions of docs/protocol.md 9 over real WebSocket and HTTP connections, on one node: exact
 * frames on channels with and without history, recovery after a reconnect, the history command
 * and endpoint, idempotent publish, and in-band token refresh.
 */
class HistoryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String YAML = TestServer.singleApp("", "") + """
                history:
                  - channels: ["feed/**"]
                    size: 5
                    ttl: 10m
                idempotencyWindow: 1m
            """;

    private final TestServer server = TestServer.start(YAML);

    @AfterEach
    void stop() {
        server.close();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Subscribes with the given extra fields; returns the ack (the presence snapshot is consumed). */
    private static JsonNode subscribe(WsClient c, String channel, String extra) {
        c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"requestId\":\"s\"" + extra + "}");
        JsonNode ack = c.expect("ack");
        c.expect("presence");
        return ack;
    }

    private static JsonNode publish(WsClient c, String channel, int n, String key) {
        c.send("{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"data\":{\"n\":" + n + "},\"requestId\":\"p" + n
                + "\"" + (key == null ? "" : ",\"idempotencyKey\":\"" + key + "\"") + "}");
        return c.expect("ack");
    }

    @Test
    void aChannelWithoutHistoryHasTheHostedServicesFramesByteForByte() {
        WsClient sub = server.client();
        WsClient pub = server.client();
        assertThat(subscribe(sub, "room", "").toString()).isEqualTo("{\"type\":\"ack\",\"requestId\":\"s\"}");
        publish(pub, "room", 1, null);
        assertThat(pub.lastRaw()).isEqualTo("{\"type\":\"ack\",\"requestId\":\"p1\"}");
        assertThat(sub.nextRaw()).isEqualTo("{\"type\":\"message\",\"channel\":\"room\",\"from\":\""
                + sub.lastRaw().replaceAll(".*\"from\":\"([^\"]+)\".*", "$1") + "\",\"data\":{\"n\":1}}");
        assertThat(sub.lastRaw()).doesNotContain("offset").doesNotContain("epoch");
    }

    @Test
    void messagesOfAHistoryChannelCarryTheirPositionAndTheAcksTheirs() {
        WsClient sub = server.client();
        WsClient pub = server.client();
        JsonNode ack = subscribe(sub, "feed/a", "");
        String epoch = ack.path("epoch").asText();
        assertThat(ack.path("offset").asLong()).isZero();
        assertThat(ack.has("recovered")).isFalse();
        JsonNode pubAck = publish(pub, "feed/a", 1, null);
        assertThat(pubAck.path("epoch").asText()).isEqualTo(epoch);
        assertThat(pubAck.path("offset").asLong()).isEqualTo(1);
        JsonNode m = sub.expect("message");
        assertThat(sub.lastRaw()).endsWith(",\"data\":{\"n\":1},\"offset\":1,\"epoch\":\"" + epoch + "\"}");
        assertThat(m.path("offset").asLong()).isEqualTo(1);
    }

    @Test
    void aClientThatReconnectsRecoversWhatItMissedBeforeLiveMessages() {
        WsClient pub = server.client();
        WsClient sub = server.client();
        String epoch = subscribe(sub, "feed/a", "").path("epoch").asText();
        publish(pub, "feed/a", 1, null);
        long seen = sub.expect("message").path("offset").asLong();
        sub.close();
        publish(pub, "feed/a", 2, null);
        publish(pub, "feed/a", 3, null);

        WsClient back = server.client();
        back.send("{\"type\":\"subscribe\",\"channel\":\"feed/a\",\"requestId\":\"s\",\"recover\":{\"epoch\":\""
                + epoch + "\",\"offset\":" + seen + "}}");
        assertThat(back.nextRaw()).isEqualTo("{\"type\":\"ack\",\"requestId\":\"s\",\"recovered\":true,\"epoch\":\""
                + epoch + "\",\"offset\":3}");
        back.expect("presence");
        assertThat(back.expect("message").path("data").path("n").asInt()).isEqualTo(2);
        assertThat(back.expect("message").path("data").path("n").asInt()).isEqualTo(3);
        publish(pub, "feed/a", 4, null);
        assertThat(back.expect("message").path("offset").asLong()).isEqualTo(4);
        back.expectNothingPending();
    }

    @Test
    void aPositionTheChannelNoLongerKeepsIsAnsweredRecoveredFalse() {
        WsClient pub = server.client();
        WsClient sub = server.client();
        String epoch = subscribe(sub, "feed/a", "").path("epoch").asText();
        for (int i = 1; i <= 7; i++) {
            publish(pub, "feed/a", i, null);
        }
        JsonNode ack = subscribe(server.client(), "feed/a", ",\"recover\":{\"epoch\":\"" + epoch + "\",\"offset\":1}");
        assertThat(ack.path("recovered").asBoolean(true)).isFalse();
        assertThat(ack.path("offset").asLong()).isEqualTo(7);
        JsonNode other = subscribe(server.client(), "room", ",\"recover\":{\"epoch\":\"" + epoch + "\",\"offset\":1}");
        assertThat(other.toString()).isEqualTo("{\"type\":\"ack\",\"requestId\":\"s\",\"recovered\":false}");
    }

    @Test
    void theHistoryCommandAnswersMessagesAndPosition() {
        WsClient c = server.client();
        for (int i = 1; i <= 3; i++) {
            publish(c, "feed/h", i, null);
        }
        c.send("{\"type\":\"history\",\"channel\":\"feed/h\",\"limit\":2,\"requestId\":\"h\"}");
        JsonNode ack = c.expect("ack");
        assertThat(ack.path("offset").asLong()).isEqualTo(3);
        assertThat(ack.path("messages")).hasSize(2);
        assertThat(ack.path("messages").get(0).path("type").asText()).isEqualTo("message");
        assertThat(ack.path("messages").get(0).path("data").path("n").asInt()).isEqualTo(2);
        String epoch = ack.path("epoch").asText();
        c.send("{\"type\":\"history\",\"channel\":\"feed/h\",\"since\":{\"epoch\":\"" + epoch
                + "\",\"offset\":2},\"requestId\":\"h2\"}");
        assertThat(c.expect("ack").path("messages").get(0).path("offset").asLong()).isEqualTo(3);
        c.send("{\"type\":\"history\",\"channel\":\"room\",\"requestId\":\"h3\"}");
        c.expectError("history_not_enabled", "h3");
        c.send("{\"type\":\"history\",\"channel\":\"feed/h\",\"since\":{\"epoch\":\"nope\",\"offset\":2},\"requestId\":\"h4\"}");
        c.expectError("unrecoverable_position", "h4");
        c.send("{\"type\":\"history\",\"channel\":\"feed/h\",\"limit\":-1,\"requestId\":\"h5\"}");
        c.expectError("malformed_message", "h5");
    }

    @Test
    void aRepeatedIdempotencyKeyIsAckedWithTheFirstResultAndDeliveredOnce() {
        WsClient sub = server.client();
        WsClient pub = server.client();
        subscribe(sub, "feed/i", "");
        JsonNode first = publish(pub, "feed/i", 1, "key-1");
        JsonNode again = publish(pub, "feed/i", 1, "key-1");
        assertThat(again.path("offset")).isEqualTo(first.path("offset"));
        assertThat(again.path("epoch")).isEqualTo(first.path("epoch"));
        sub.expect("message");
        sub.expectNothingPending();
        HttpResponse<String> rest = server.rest("POST", "/v1/channels/feed%2Fi/publish", TestServer.BEARER,
                "{\"data\":1,\"idempotencyKey\":\"key-1\"}");
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(json(rest.body()).path("offset")).isEqualTo(first.path("offset"));
        sub.expectNothingPending();
        assertThat(server.rest("POST", "/v1/channels/room/publish", TestServer.BEARER,
                "{\"data\":1,\"idempotencyKey\":\"\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void theHistoryEndpointServesSecretKeysWithSubscribe() {
        WsClient c = server.client();
        publish(c, "feed/r", 1, null);
        publish(c, "feed/r", 2, null);
        HttpResponse<String> r = server.rest("GET", "/v1/channels/" + URLEncoder.encode("feed/r", StandardCharsets.UTF_8)
                + "/history?limit=1", TestServer.BEARER, null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.path("channel").asText()).isEqualTo("feed/r");
        assertThat(body.path("offset").asLong()).isEqualTo(2);
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.path("messages").get(0).path("data").path("n").asInt()).isEqualTo(2);
        String epoch = body.path("epoch").asText();
        HttpResponse<String> sinceResponse = server.rest("GET", "/v1/channels/feed%2Fr/history?sinceEpoch=" + epoch
                + "&sinceOffset=0", TestServer.BEARER, null);
        assertThat(sinceResponse.statusCode()).as(sinceResponse.body()).isEqualTo(200);
        assertThat(json(sinceResponse.body()).path("messages")).hasSize(2);
        assertThat(server.rest("GET", "/v1/channels/room/history", TestServer.BEARER, null).statusCode()).isEqualTo(404);
        HttpResponse<String> gone = server.rest("GET", "/v1/channels/feed%2Fr/history?sinceEpoch=x&sinceOffset=0",
                TestServer.BEARER, null);
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(json(gone.body()).path("error").asText()).isEqualTo("unrecoverable_position");
        assertThat(server.rest("GET", "/v1/channels/feed%2Fr/history", null, null).statusCode()).isEqualTo(401);
        assertThat(server.rest("GET", "/v1/channels/feed%2Fr/history?limit=x", TestServer.BEARER, null).statusCode())
                .isEqualTo(400);
        assertThat(server.rest("POST", "/v1/channels/feed%2Fr/history", TestServer.BEARER, null).statusCode())
                .isEqualTo(405);
    }

    @Test
    void aRefreshExtendsAConnectionPastItsFirstTokensExpiry() {
        WsClient c = server.tokenClient(server.token("alice", "\"expiresInSec\":4"));
        c.send("{\"type\":\"refresh\",\"token\":\"" + server.token("alice", "\"expiresInSec\":600")
                + "\",\"requestId\":\"r\"}");
        JsonNode ack = c.expect("ack");
        long now = System.currentTimeMillis() / 1000;
        assertThat(ack.path("expiresAt").asLong()).isBetween(now + 590, now + 610);
        // the first token's expiry (at most 4 s away) passes; the connection stays
        assertThat(c.poll(Duration.ofMillis(4500))).isNull();
        assertThat(c.isClosed()).isFalse();
        c.send("{\"type\":\"refresh\",\"token\":\"" + server.token("bob", "") + "\",\"requestId\":\"r2\"}");
        c.expectError("token_mismatch", "r2");
        c.send("{\"type\":\"refresh\",\"token\":\"" + server.token("alice", "\"permissions\":[\"subscribe\"]")
                + "\",\"requestId\":\"r3\"}");
        c.expectError("permissions_mismatch", "r3");
        c.send("{\"type\":\"refresh\",\"token\":\"x.y.z\",\"requestId\":\"r4\"}");
        c.expectError("invalid_token", "r4");
        WsClient pk = server.client();
        pk.send("{\"type\":\"refresh\",\"token\":\"x.y.z\",\"requestId\":\"r5\"}");
        pk.expectError("refresh_not_allowed", "r5");
    }
}

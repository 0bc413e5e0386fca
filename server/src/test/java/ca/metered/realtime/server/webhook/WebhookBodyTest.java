package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelOccupied;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelVacated;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.WebhookEvent.MessagePublished;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceJoined;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceLeft;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void carriesTheDeliveryAndEveryEventWithItsFields() throws Exception {
        RawJson meta = RawJson.of("{\"name\":\"Alice\"}");
        List<Logged> events = List.of(
                new Logged("1-1", 1001, new PeerConnected("alice", "n1-7", meta)),
                new Logged("1-2", 1002, new ChannelOccupied("room")),
                new Logged("1-3", 1003, new PresenceJoined("room", "alice", meta)),
                new Logged("1-4", 1004, new MessagePublished("room", "alice", RawJson.of("{\"b\":1,  \"a\":[2]}"), meta)),
                new Logged("1-5", 1005, new PresenceLeft("room", "alice")),
                new Logged("1-6", 1006, new ChannelVacated("room")),
                new Logged("1-7", 1007, new PeerDisconnected("alice", "n1-7", 4002, "token expired")));
        JsonNode body = JSON.readTree(WebhookBody.encode("dlv_abc", 2000, "demo", events));

        assertThat(body.fieldNames()).toIterable().containsExactly("id", "time", "appId", "events");
        assertThat(body.get("id").asText()).isEqualTo("dlv_abc");
        assertThat(body.get("time").asLong()).isEqualTo(2000);
        assertThat(body.get("appId").asText()).isEqualTo("demo");
        JsonNode e = body.get("events");
        assertThat(e).hasSize(7);
        assertThat(e.get(0).toString()).isEqualTo("{\"id\":\"1-1\",\"type\":\"peer.connected\",\"time\":1001,"
                + "\"peerId\":\"alice\",\"connectionId\":\"n1-7\",\"metadata\":{\"name\":\"Alice\"}}");
        assertThat(e.get(1).toString()).isEqualTo("{\"id\":\"1-2\",\"type\":\"channel.occupied\",\"time\":1002,"
                + "\"channel\":\"room\"}");
        assertThat(e.get(2).toString()).isEqualTo("{\"id\":\"1-3\",\"type\":\"presence.joined\",\"time\":1003,"
                + "\"channel\":\"room\",\"peerId\":\"alice\",\"metadata\":{\"name\":\"Alice\"}}");
        assertThat(e.get(3).toString()).isEqualTo("{\"id\":\"1-4\",\"type\":\"message.published\",\"time\":1004,"
                + "\"channel\":\"room\",\"from\":\"alice\",\"data\":{\"b\":1,\"a\":[2]},"
                + "\"fromMetadata\":{\"name\":\"Alice\"}}");
        assertThat(e.get(4).toString()).isEqualTo("{\"id\":\"1-5\",\"type\":\"presence.left\",\"time\":1005,"
                + "\"channel\":\"room\",\"peerId\":\"alice\"}");
        assertThat(e.get(5).toString()).isEqualTo("{\"id\":\"1-6\",\"type\":\"channel.vacated\",\"time\":1006,"
                + "\"channel\":\"room\"}");
        assertThat(e.get(6).toString()).isEqualTo("{\"id\":\"1-7\",\"type\":\"peer.disconnected\",\"time\":1007,"
                + "\"peerId\":\"alice\",\"connectionId\":\"n1-7\",\"code\":4002,\"reason\":\"token expired\"}");
    }

    @Test
    void splicesPayloadsInAsTheyWereWrittenAndLeavesAbsentMetadataOut() {
        RawJson data = RawJson.of("{\"z\": 1.50, \"a\": \"\\u00e9\"}");
        String text = new String(WebhookBody.encode("d", 1, "a",
                List.of(new Logged("1-1", 1, new MessagePublished("c", "server", data, null)),
                        new Logged("1-2", 1, new PeerConnected("p", "c1", null)))), StandardCharsets.UTF_8);
        assertThat(text).contains("\"data\":{\"z\": 1.50, \"a\": \"\\u00e9\"}");
        assertThat(text).doesNotContain("fromMetadata").doesNotContain("metadata");
    }

    @Test
    void escapesNamesThatNeedIt() throws Exception {
        String channel = "quote\"back\\slash\u2028";
        JsonNode body = JSON.readTree(WebhookBody.encode("d", 1, "a",
                List.of(new Logged("1-1", 1, new ChannelOccupied(channel)))));
        assertThat(body.get("events").get(0).get("channel").asText()).isEqualTo(channel);
    }
}

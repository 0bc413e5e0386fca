package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PubSubIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void publishReachesOtherSubscribersButNotThePublisher() {
        try (WsClient a = server.client(); WsClient b = server.client()) {
            a.subscribe("room-1");
            b.subscribe("room-1");
            a.expect("presence"); // b joined
            b.sendJson("type", "publish", "channel", "room-1", "data", java.util.Map.of("text", "hi"), "requestId", "p1");
            JsonNode msg = a.expect("message");
            assertThat(msg.path("channel").asText()).isEqualTo("room-1");
            assertThat(msg.path("data").path("text").asText()).isEqualTo("hi");
            assertThat(msg.has("fromMetadata")).isFalse();
            assertThat(b.expect("ack").path("requestId").asText()).isEqualTo("p1");
            b.expectNothingPending();
        }
    }
}

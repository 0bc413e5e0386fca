package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 2.1, 2.2 and 2.6: who gets a message, with what, and in which order. */
class DeliveryIT {
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
    void fromMetadataIsIncludedOnlyForSubscribersThatAskedAndOnlyWhenTheSenderHasOne() {
        String token = server.token("with-meta", "\"peerMetadata\":{\"avatar\":\"a.png\",\"b\":[2,1]}");
        try (WsClient asked = server.client(); WsClient notAsked = server.client();
             WsClient metaSender = server.tokenClient(token); WsClient plainSender = server.client()) {
            asked.sendJson("type", "subscribe", "channel", "fm", "includeSenderMetadata", true, "requestId", "a");
            asked.expect("ack");
            asked.expect("presence");
            notAsked.sendJson("type", "subscribe", "channel", "fm", "includeSenderMetadata", false, "requestId", "n");
            notAsked.expect("ack");
            notAsked.expect("presence");
            asked.expect("presence");
            metaSender.sendJson("type", "publish", "channel", "fm", "data", 1, "requestId", "p");
            metaSender.expect("ack");
            asked.expect("message");
            assertThat(asked.lastRaw()).isEqualTo(
                    "{\"type\":\"message\",\"channel\":\"fm\",\"from\":\"with-meta\",\"data\":1,"
                            + "\"fromMetadata\":{\"avatar\":\"a.png\",\"b\":[2,1]}}");
            assertThat(notAsked.expect("message").has("fromMetadata")).isFalse();
            plainSender.sendJson("type", "publish", "channel", "fm", "data", 2, "requestId", "q");
            plainSender.expect("ack");
            assertThat(asked.expect("message").has("fromMetadata")).isFalse();
            assertThat(notAsked.expect("message").has("fromMetadata")).isFalse();
        }
    }

    @Test
    void messagesFromOnePublisherArriveInOrderWithoutGapsOrDuplicates() {
        try (WsClient exact = server.client(); WsClient glob = server.client(); WsClient pub = server.client()) {
            exact.subscribe("ord/1");
            glob.subscribe("ord/*");
            for (int i = 0; i < 150; i++) {
                pub.sendJson("type", "publish", "channel", "ord/1", "data", i);
            }
            for (int i = 0; i < 150; i++) {
                assertThat(exact.expect("message").path("data").asInt()).isEqualTo(i);
                assertThat(glob.expect("message").path("data").asInt()).isEqualTo(i);
            }
            exact.expectNothingPending();
            glob.expectNothingPending();
        }
    }

    @Test
    void anotherConnectionOfThePublishingPeerIsAnotherSubscriberAndGetsTheMessage() {
        String token = server.token("two-tabs", "");
        try (WsClient tab1 = server.tokenClient(token); WsClient tab2 = server.tokenClient(token)) {
            tab1.subscribe("tabs");
            tab2.subscribe("tabs");
            tab1.sendJson("type", "publish", "channel", "tabs", "data", "x", "requestId", "p");
            tab1.expect("ack");
            JsonNode m = tab2.expect("message");
            assertThat(m.path("from").asText()).isEqualTo("two-tabs");
            tab1.expectNothingPending();
        }
    }

    @Test
    void anAckedPublishHasReachedEverySubscriberQueue() {
        try (WsClient sub = server.client(); WsClient pub = server.client()) {
            sub.subscribe("acked");
            pub.sendJson("type", "publish", "channel", "acked", "data", "x", "requestId", "p");
            pub.expect("ack");
            // the subscriber's own ping is answered after everything already queued for it
            assertThat(sub.drainUntilPong()).hasSize(1);
        }
    }
}

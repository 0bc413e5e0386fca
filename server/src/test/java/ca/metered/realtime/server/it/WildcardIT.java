package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 2.4: wildcard subscriptions. */
class WildcardIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void publish(WsClient c, String channel, Object data) {
        c.sendJson("type", "publish", "channel", channel, "data", data, "requestId", "p-" + channel);
        assertThat(c.expect("ack").path("requestId").asText()).isEqualTo("p-" + channel);
    }

    @Test
    void singleStarMatchesOneSegmentAndMessagesCarryTheConcreteChannel() {
        try (WsClient backend = server.client(); WsClient device = server.client()) {
            JsonNode snap = backend.subscribe("devices/*/events");
            assertThat(snap.path("channel").asText()).isEqualTo("devices/*/events");
            assertThat(snap.path("joined").size()).isZero();
            assertThat(snap.path("left").size()).isZero();
            publish(device, "devices/d1/events", "a");
            JsonNode m = backend.expect("message");
            assertThat(m.path("channel").asText()).isEqualTo("devices/d1/events");
            assertThat(m.path("data").asText()).isEqualTo("a");
            publish(device, "devices/d1/x/events", "deep");
            publish(device, "devices/d2/eventsx", "suffix");
            publish(device, "other/d1/events", "prefix");
            publish(device, "devices/d2/events", "b");
            JsonNode m2 = backend.expect("message");
            assertThat(m2.path("channel").asText()).isEqualTo("devices/d2/events");
            assertThat(m2.path("data").asText()).isEqualTo("b");
            backend.expectNothingPending();
        }
    }

    @Test
    void doubleStarMatchesAcrossSegments() {
        try (WsClient backend = server.client(); WsClient device = server.client()) {
            backend.subscribe("logs/**");
            publish(device, "logs/a", 1);
            publish(device, "logs/a/b/c", 2);
            publish(device, "logsx/a", 3);
            assertThat(backend.expect("message").path("channel").asText()).isEqualTo("logs/a");
            assertThat(backend.expect("message").path("channel").asText()).isEqualTo("logs/a/b/c");
            backend.expectNothingPending();
        }
    }

    @Test
    void wildcardSubscribersGetNoPresenceAndAreNotAnnounced() {
        try (WsClient member = server.client(); WsClient backend = server.client()) {
            member.subscribe("wp/room");
            JsonNode snap = backend.subscribe("wp/*");
            assertThat(snap.path("joined").size()).isZero();
            member.expectNothingPending(); // the glob subscriber is not announced
            try (WsClient other = server.client()) {
                other.subscribe("wp/room");
                member.expect("presence");
                other.closeWith(1000);
                member.expect("presence");
            }
            backend.expectNothingPending(); // no deltas to the glob subscriber
        }
    }

    @Test
    void aGlobOutsideTheKeysPatternsIsNotAuthorized() {
        try (WsClient narrow = server.client("pk_live_narrow")) {
            narrow.sendJson("type", "subscribe", "channel", "*", "requestId", "g1");
            narrow.expectError("channel_not_authorized", "g1");
            narrow.sendJson("type", "subscribe", "channel", "**", "requestId", "g2");
            narrow.expectError("channel_not_authorized", "g2");
            narrow.sendJson("type", "subscribe", "channel", "room-*/x", "requestId", "g3");
            narrow.expectError("channel_not_authorized", "g3");
            narrow.sendJson("type", "subscribe", "channel", "room-*", "requestId", "g4");
            assertThat(narrow.expect("ack").path("requestId").asText()).isEqualTo("g4");
            narrow.expect("presence");
            narrow.sendJson("type", "subscribe", "channel", "room-1*", "requestId", "g5");
            assertThat(narrow.expect("ack").path("requestId").asText()).isEqualTo("g5");
            narrow.expect("presence");
            narrow.expectNothingPending();
        }
    }

    @Test
    void publishingToANameWithAnUnescapedStarIsAnInvalidChannel() {
        try (WsClient c = server.client()) {
            c.sendJson("type", "publish", "channel", "devices/*/events", "data", 1, "requestId", "w1");
            c.expectError("invalid_channel", "w1");
            c.sendJson("type", "publish", "channel", "**", "data", 1, "requestId", "w2");
            c.expectError("invalid_channel", "w2");
            // an escaped star is a literal character, so it is a concrete channel
            c.sendJson("type", "publish", "channel", "lit\\*eral", "data", 1, "requestId", "w3");
            assertThat(c.expect("ack").path("requestId").asText()).isEqualTo("w3");
        }
    }

    @Test
    void aConnectionSubscribedExactlyAndByGlobsGetsOneCopy() {
        try (WsClient sub = server.client(); WsClient pub = server.client()) {
            sub.subscribe("dup/a");
            sub.subscribe("dup/*");
            sub.subscribe("dup/**");
            sub.subscribe("**");
            publish(pub, "dup/a", "once");
            assertThat(sub.expect("message").path("data").asText()).isEqualTo("once");
            sub.expectNothingPending();
            publish(pub, "dup/b", "glob-once");
            assertThat(sub.expect("message").path("data").asText()).isEqualTo("glob-once");
            sub.expectNothingPending();
        }
    }

    @Test
    void unsubscribingTheGlobStopsDelivery() {
        try (WsClient sub = server.client(); WsClient pub = server.client()) {
            sub.subscribe("stop/*");
            publish(pub, "stop/1", 1);
            sub.expect("message");
            sub.sendJson("type", "unsubscribe", "channel", "stop/*", "requestId", "u");
            assertThat(sub.expect("ack").path("requestId").asText()).isEqualTo("u");
            publish(pub, "stop/1", 2);
            sub.expectNothingPending();
        }
    }

    @Test
    void thePublisherDoesNotGetItsOwnMessageThroughAGlob() {
        try (WsClient c = server.client()) {
            c.subscribe("self/*");
            publish(c, "self/x", 1);
            c.expectNothingPending();
        }
    }

    @Test
    void includeSenderMetadataWorksOnGlobSubscriptions() {
        String token = server.token("glob-sender", "\"peerMetadata\":{\"n\":1}");
        try (WsClient sub = server.client(); WsClient pub = server.tokenClient(token)) {
            sub.sendJson("type", "subscribe", "channel", "meta/*", "includeSenderMetadata", true, "requestId", "s");
            sub.expect("ack");
            sub.expect("presence");
            publish(pub, "meta/x", 1);
            JsonNode m = sub.expect("message");
            assertThat(m.path("fromMetadata").path("n").asInt()).isEqualTo(1);
            assertThat(m.path("from").asText()).isEqualTo("glob-sender");
        }
    }
}

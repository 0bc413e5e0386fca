package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.connection.Connection;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 4 [ours]: a slow consumer is closed 1008 {@code slow consumer}; others are unaffected. */
class SlowConsumerIT {
    private static final int CAP = 64 * 1024;

    @Test
    void aSubscriberThatNeverReadsIsClosedWhileThePublisherAndHealthySubscribersKeepWorking() {
        try (TestServer server = TestServer.start(TestServer.singleApp("outboundBufferBytes: " + CAP,
                "messageRate: 100000\nmessageBurst: 100000"));
             WsClient healthy = server.client(); WsClient pub = server.client()) {
            healthy.subscribe("feed");
            RawWs slow = RawWs.open(server.port(), "/v1?key=" + TestServer.PK, 4096);
            String slowId = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(slow.readText()).path("peerId").asText();
            slow.sendText("{\"type\":\"subscribe\",\"channel\":\"feed\"}");
            JsonNode joined = healthy.expect("presence");
            assertThat(joined.path("joined").get(0).path("peerId").asText()).isEqualTo(slowId);
            Connection slowSession = server.connection(slowId);

            String data = "\"" + "s".repeat(16 * 1024) + "\"";
            int frameBytes = data.length() + 200;
            long maxQueued = 0;
            int sent = 0;
            for (; sent < 4000 && !slowSession.isClosing(); sent++) {
                pub.send("{\"type\":\"publish\",\"channel\":\"feed\",\"data\":" + data + "}");
                maxQueued = Math.max(maxQueued, slowSession.queuedBytes());
                assertThat(healthy.expect("message").path("data").asText()).hasSize(16 * 1024);
            }
            assertThat(slowSession.isClosing()).as("slow consumer closed after %d messages", sent).isTrue();
            // the heap held for it never went past the cap (plus the one frame being refused)
            assertThat(maxQueued).isLessThanOrEqualTo(CAP + frameBytes);
            assertThat(slowSession.queuedBytes()).isLessThanOrEqualTo(CAP);

            // the slow client, if it reads again soon, finds the 1008 close after what was queued
            RawWs.Frame close = slow.awaitClose();
            assertThat(close.closeCode()).isEqualTo(1008);
            assertThat(close.closeReason()).isEqualTo("slow consumer");
            slow.sendFrame(RawWs.CLOSE, close.payload());
            assertThat(slow.awaitEof()).isTrue();
            slow.close();
            // and the others see it leave
            JsonNode left = healthy.expect("presence");
            assertThat(left.path("left").get(0).path("peerId").asText()).isEqualTo(slowId);

            // publisher and healthy subscriber are unaffected
            pub.sendJson("type", "publish", "channel", "feed", "data", "after", "requestId", "after");
            assertThat(pub.skipUntil("ack").path("requestId").asText()).isEqualTo("after");
            assertThat(healthy.expect("message").path("data").asText()).isEqualTo("after");
            healthy.expectNothingPending();
            // the session is released right after its left is queued, on its own event loop
            server.awaitSessionCount(2);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

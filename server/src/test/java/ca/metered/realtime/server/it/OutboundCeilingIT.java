package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.connection.Connection;
import ca.metered.realtime.server.session.OutboundBudget;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The node's off-heap ceiling ({@code server.directMemoryBytes}, docs/configuration.md): a burst
 * that would take the outbound bytes held by Netty over it sheds the slowest consumer with 1008
 * {@code slow consumer} instead of growing, long before that consumer's own (heap) cap, and the
 * bytes come back once it is gone; the healthy subscriber gets every message.
 */
class OutboundCeilingIT {
    private static final int CEILING = 64 * 1024;
    private static final int PER_CONNECTION_CAP = 32 << 20;

    @Test
    void aBurstOverTheCeilingShedsTheSlowestConsumerAndTheBytesComeBack() throws Exception {
        try (TestServer server = TestServer.start(TestServer.singleApp(
                "outboundBufferBytes: " + PER_CONNECTION_CAP + "\ndirectMemoryBytes: " + CEILING,
                "messageRate: 100000\nmessageBurst: 100000"));
             WsClient healthy = server.client(); WsClient pub = server.client()) {
            OutboundBudget budget = server.server().outboundBudget();
            assertThat(budget.limit()).isEqualTo(CEILING);
            healthy.subscribe("burst");
            RawWs slow = RawWs.open(server.port(), "/v1?key=" + TestServer.PK, 4096);
            String slowId = new ObjectMapper().readTree(slow.readText()).path("peerId").asText();
            slow.sendText("{\"type\":\"subscribe\",\"channel\":\"burst\"}");
            assertThat(healthy.expect("presence").path("joined").get(0).path("peerId").asText()).isEqualTo(slowId);
            Connection slowSession = server.connection(slowId);

            String data = "\"" + "b".repeat(16 * 1024) + "\"";
            int sent = 0;
            long maxQueued = 0;
            for (; sent < 4000 && !slowSession.isClosing(); sent++) {
                pub.send("{\"type\":\"publish\",\"channel\":\"burst\",\"data\":" + data + "}");
                maxQueued = Math.max(maxQueued, slowSession.queuedBytes());
                assertThat(healthy.expect("message").path("data").asText()).hasSize(16 * 1024);
            }
            assertThat(slowSession.isClosing()).as("shed after %d messages", sent).isTrue();
            ClusterIT.awaitTrue(() -> budget.shedCount() == 1, WsClient.WAIT); // counted just after the close starts
            // Shed by the node's ceiling, far below its own cap: the heap queue stayed small too.
            assertThat(maxQueued).isLessThan(PER_CONNECTION_CAP / 4);
            // What Netty held for all connections together never went over the ceiling.
            assertThat(budget.peak()).isLessThanOrEqualTo(CEILING);

            // The slow client, reading now, finds the 1008 close after what it was sent.
            RawWs.Frame close = slow.awaitClose();
            assertThat(close.closeCode()).isEqualTo(1008);
            assertThat(close.closeReason()).isEqualTo("slow consumer");
            slow.sendFrame(RawWs.CLOSE, close.payload());
            slow.close();
            JsonNode left = healthy.expect("presence");
            assertThat(left.path("left").get(0).path("peerId").asText()).isEqualTo(slowId);
            server.awaitSessionCount(2);

            // Every byte came back, and the healthy subscriber still gets everything.
            ClusterIT.awaitTrue(() -> budget.used() == 0, WsClient.WAIT); // every byte back
            pub.sendJson("type", "publish", "channel", "burst", "data", "after", "requestId", "after");
            assertThat(pub.skipUntil("ack").path("requestId").asText()).isEqualTo("after");
            assertThat(healthy.expect("message").path("data").asText()).isEqualTo("after");
            assertThat(budget.shedCount()).isEqualTo(1);
            // Operators see the same in /metrics (docs/operations.md).
            String scrape = MetricsIT.scrape(server);
            assertThat(MetricsIT.value(scrape, "rms_outbound_offheap_sheds_total")).isEqualTo(1);
            assertThat(MetricsIT.value(scrape, "rms_outbound_offheap_limit_bytes")).isEqualTo(CEILING);
            assertThat(MetricsIT.value(scrape, "rms_outbound_offheap_peak_bytes")).isEqualTo(budget.peak()).isPositive();
            assertThat(MetricsIT.value(scrape, "rms_outbound_offheap_bytes")).isZero();
            assertThat(MetricsIT.value(scrape, "rms_slow_consumer_closes_total")).isEqualTo(1);
            System.out.println("ceiling " + CEILING + " B: slow consumer shed after " + sent
                    + " messages of 16 KiB; peak held by Netty " + budget.peak() + " B");
        }
    }
}

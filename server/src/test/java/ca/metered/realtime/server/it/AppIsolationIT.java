package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 2.4 and 2.5: two apps' channels and peers never meet. */
class AppIsolationIT {
    static final String OTHER_BEARER = "Bearer sk_id_other:sk_secret_other_0123456789";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String otherToken(String peerId) throws Exception {
        var r = server.rest("POST", "/v1/tokens", OTHER_BEARER, "{\"peerId\":\"" + peerId + "\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).path("token").asText();
    }

    @Test
    void sameNamedChannelsOfTwoAppsNeverShareMessagesOrPresence() {
        try (WsClient demo1 = server.client(); WsClient demo2 = server.client();
             WsClient other1 = server.client("pk_live_other"); WsClient other2 = server.client("pk_live_other")) {
            demo1.subscribe("room-1");
            assertThat(other1.subscribe("room-1").path("joined").size()).isZero();
            demo2.subscribe("room-1");
            assertThat(demo1.expect("presence").path("joined").size()).isEqualTo(1);
            other1.expectNothingPending();
            other2.subscribe("room-1");
            assertThat(other1.expect("presence").path("joined").size()).isEqualTo(1);
            demo1.expectNothingPending();
            demo2.expectNothingPending();

            demo1.sendJson("type", "publish", "channel", "room-1", "data", "demo-only", "requestId", "d");
            demo1.expect("ack");
            assertThat(demo2.expect("message").path("data").asText()).isEqualTo("demo-only");
            other2.sendJson("type", "publish", "channel", "room-1", "data", "other-only", "requestId", "o");
            other2.expect("ack");
            assertThat(other1.expect("message").path("data").asText()).isEqualTo("other-only");
            demo1.expectNothingPending();
            demo2.expectNothingPending();
            other1.expectNothingPending();
            other2.expectNothingPending();
        }
    }

    @Test
    void globSubscriptionsDoNotCrossApps() {
        try (WsClient demoBackend = server.client(); WsClient otherPub = server.client("pk_live_other")) {
            demoBackend.subscribe("**");
            otherPub.sendJson("type", "publish", "channel", "anything", "data", 1, "requestId", "p");
            otherPub.expect("ack");
            demoBackend.expectNothingPending();
        }
    }

    @Test
    void aPeerOfAnotherAppIsPeerNotFound() throws Exception {
        try (WsClient inOther = WsClient.connect(server.keyUri("pk_live_other")); WsClient demo = server.client()) {
            String otherPeer = inOther.expect("welcome").path("peerId").asText();
            demo.sendJson("type", "send", "to", otherPeer, "data", 1, "requestId", "x");
            demo.expectError("peer_not_found", "x");
            inOther.expectNothingPending();
        }
    }

    @Test
    void theSamePeerIdInTwoAppsIsTwoDifferentPeers() throws Exception {
        try (WsClient demoTwin = server.tokenClient(server.token("twin", ""));
             WsClient otherTwin = server.tokenClient(otherToken("twin"));
             WsClient demoSender = server.client()) {
            demoSender.sendJson("type", "send", "to", "twin", "data", "to-demo-twin", "requestId", "s");
            demoSender.expect("ack");
            assertThat(demoTwin.expect("direct").path("data").asText()).isEqualTo("to-demo-twin");
            otherTwin.expectNothingPending();
            // presence of one app's twin is not seen in the other app
            demoTwin.subscribe("room-1");
            assertThat(otherTwin.subscribe("room-1").path("joined").size()).isZero();
        }
    }
}

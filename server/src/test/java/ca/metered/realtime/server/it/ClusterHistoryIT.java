package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ClusterSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * History over a cluster (docs/protocol.md 9, docs/clustering.md): two nodes on one real Redis agree
 * on every position, recover each other's messages, share the idempotency window, and a node
 * whose pub/sub connection dropped tells its recovering subscribers to recover, and nobody else.
 */
class ClusterHistoryIT {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    @RegisterExtension
    static final RedisNodes CLUSTER = new RedisNodes();
    private final List<TestServer> nodes = CLUSTER.nodes;
    private final List<WsClient> clients = CLUSTER.clients;




    /** Two nodes of a fresh cluster; Lettuce waits {@code reconnectDelay} before reconnecting. */
    private List<TestServer> cluster(Duration reconnectDelay) {
        String prefix = "hc" + CLUSTERS.incrementAndGet() + ":";
        ClusterSettings s = new ClusterSettings(CLUSTER.redis().uri(), Optional.empty(), 0, false, prefix,
                ClusterSettings.DEFAULT_HEARTBEAT, ClusterSettings.DEFAULT_NODE_TIMEOUT, reconnectDelay,
                ClusterSettings.DEFAULT_COMMAND_TIMEOUT, ClusterSettings.DEFAULT_REASSERT_DELAY,
                ClusterSettings.DEFAULT_LEAVE_TIMEOUT);
        for (int i = 0; i < 2; i++) {
            nodes.add(TestServer.start(HistoryIT.YAML, s));
        }
        return nodes;
    }

    private WsClient client(TestServer node) {
        WsClient c = node.client();
        clients.add(c);
        return c;
    }

    private static JsonNode subscribe(WsClient c, String channel, String extra) {
        c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"requestId\":\"s\"" + extra + "}");
        JsonNode ack = c.expect("ack");
        c.expect("presence");
        return ack;
    }

    /** The next frame that is not a presence delta (other peers join and leave meanwhile). */
    private static JsonNode next(WsClient c, String type) {
        JsonNode n = c.next();
        while (n.path("type").asText().equals("presence")) {
            n = c.next();
        }
        assertThat(n.path("type").asText()).as("frame %s", n).isEqualTo(type);
        return n;
    }

    private static String recover(String epoch, long offset) {
        return ",\"recover\":{\"epoch\":\"" + epoch + "\",\"offset\":" + offset + "}";
    }

    private static JsonNode publish(WsClient c, String channel, int n, String key) {
        c.send("{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"data\":" + n + ",\"requestId\":\"p" + n + "\""
                + (key == null ? "" : ",\"idempotencyKey\":\"" + key + "\"") + "}");
        return c.expect("ack");
    }

    @Test
    void bothNodesSeeOnePositionPerMessageInOneOrder() {
        List<TestServer> n = cluster(ClusterSettings.DEFAULT_RECONNECT_DELAY);
        WsClient subA = client(n.get(0));
        WsClient subB = client(n.get(1));
        String epoch = subscribe(subA, "feed/x", "").path("epoch").asText();
        assertThat(subscribe(subB, "feed/x", "").path("epoch").asText()).isEqualTo(epoch);
        WsClient pubA = client(n.get(0));
        WsClient pubB = client(n.get(1));
        for (int i = 1; i <= 6; i++) {
            JsonNode ack = publish(i % 2 == 0 ? pubB : pubA, "feed/x", i, null);
            assertThat(ack.path("offset").asLong()).isEqualTo(i);
            assertThat(ack.path("epoch").asText()).isEqualTo(epoch);
        }
        for (WsClient sub : List.of(subA, subB)) {
            for (int i = 1; i <= 6; i++) {
                JsonNode m = next(sub, "message");
                assertThat(m.path("offset").asLong()).isEqualTo(i);
                assertThat(m.path("data").asInt()).isEqualTo(i);
            }
        }
    }

    @Test
    void aClientRecoversOnAnotherNodeWhatWasPublishedOnAny() {
        List<TestServer> n = cluster(ClusterSettings.DEFAULT_RECONNECT_DELAY);
        WsClient sub = client(n.get(0));
        String epoch = subscribe(sub, "feed/y", "").path("epoch").asText();
        WsClient pub = client(n.get(1));
        publish(pub, "feed/y", 1, null);
        next(sub, "message");
        sub.close();
        publish(pub, "feed/y", 2, null);
        publish(client(n.get(0)), "feed/y", 3, null);
        WsClient back = client(n.get(1));
        JsonNode ack = subscribe(back, "feed/y", recover(epoch, 1));
        assertThat(ack.path("recovered").asBoolean()).isTrue();
        assertThat(next(back, "message").path("data").asInt()).isEqualTo(2);
        assertThat(next(back, "message").path("data").asInt()).isEqualTo(3);
        back.expectNothingPending();
    }

    @Test
    void anIdempotencyKeyIsRecognisedOnEveryNode() {
        List<TestServer> n = cluster(ClusterSettings.DEFAULT_RECONNECT_DELAY);
        WsClient sub = client(n.get(0));
        subscribe(sub, "room", "");
        subscribe(sub, "feed/k", "");
        assertThat(publish(client(n.get(0)), "room", 1, "k")).isEqualTo(publish(client(n.get(1)), "room", 1, "k"));
        JsonNode first = publish(client(n.get(1)), "feed/k", 1, "k");
        JsonNode again = publish(client(n.get(0)), "feed/k", 1, "k");
        assertThat(first.path("offset").asLong()).isEqualTo(1);
        assertThat(again).isEqualTo(first);
        next(sub, "message");
        next(sub, "message");
        sub.expectNothingPending();
    }

    @Test
    void aNodeThatMissedMessagesDuringAPubSubReconnectHintsOnlyItsRecoveringSubscribers() {
        List<TestServer> n = cluster(Duration.ofMillis(1500));
        WsClient recovering = client(n.get(1));
        WsClient plain = client(n.get(1));
        String epoch = subscribe(recovering, "feed/g", recover("", 0)).path("epoch").asText();
        subscribe(plain, "feed/g", "");
        WsClient pub = client(n.get(0));
        publish(pub, "feed/g", 1, null);
        assertThat(next(recovering, "message").path("offset").asLong()).isEqualTo(1);
        next(plain, "message");

        assertThat(CLUSTER.redis().command("CLIENT KILL TYPE pubsub")).startsWith(":");
        for (int i = 2; i <= 4; i++) {
            publish(pub, "feed/g", i, null); // nobody's pub/sub connection is there to receive these
        }
        JsonNode hint = next(recovering, "resubscribe");
        assertThat(recovering.lastRaw()).isEqualTo("{\"type\":\"resubscribe\",\"channel\":\"feed/g\"}");
        JsonNode ack = subscribe(recovering, "feed/g", recover(epoch, 1));
        assertThat(ack.path("recovered").asBoolean()).isTrue();
        for (int i = 2; i <= 4; i++) {
            assertThat(next(recovering, "message").path("data").asInt()).isEqualTo(i);
        }
        publish(pub, "feed/g", 5, null);
        assertThat(next(recovering, "message").path("offset").asLong()).isEqualTo(5);
        assertThat(next(plain, "message").path("offset").asLong()).as("at most once, and no hint").isEqualTo(5);
        assertThat(hint.path("channel").asText()).isEqualTo("feed/g");
    }
}

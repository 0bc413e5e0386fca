package ca.metered.realtime.server.it;

import static ca.metered.realtime.server.it.WebhooksIT.ALL;
import static ca.metered.realtime.server.it.WebhooksIT.SECRET;
import static ca.metered.realtime.server.it.WebhooksIT.endpoint;
import static ca.metered.realtime.server.it.WebhooksIT.has;
import static ca.metered.realtime.server.it.WebhooksIT.shown;
import static ca.metered.realtime.server.it.WebhooksIT.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.webhook.EndpointStats;
import ca.metered.realtime.server.webhook.Signature;
import ca.metered.realtime.server.webhook.WebhookReceiver;
import ca.metered.realtime.server.webhook.WebhookReceiver.Answer;
import ca.metered.realtime.server.webhook.WebhookReceiver.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhooks of a cluster on a real {@code redis-server} (docs/webhooks.md "Clusters"): each event
 * is delivered once for the cluster, and a crashed node's events — those it had queued and those
 * its death causes — are delivered by a survivor.
 */
class WebhooksClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    @RegisterExtension
    static final RedisNodes CLUSTER = new RedisNodes();

    private final WebhookReceiver receiver = WebhookReceiver.start();
    private final List<TestServer> nodes = CLUSTER.nodes;
    private final List<WsClient> clients = CLUSTER.clients;
    private final String prefix = "wh" + CLUSTERS.incrementAndGet() + ":";



    @AfterEach
    void stop() {
        CLUSTER.closeAll(); // the nodes first, so none posts to a closed receiver
        receiver.close();
    }

    private String config(String settings) {
        return yaml(settings, endpoint(receiver.url("/hooks").toString(), ALL, null));
    }

    /** A node in this JVM; heartbeats every 200 ms, a silent node is dead after 1 s. */
    private TestServer node(String yaml) {
        TestServer s = TestServer.start(yaml, ClusterSettings.of(CLUSTER.redis().uri()).withKeyPrefix(prefix)
                .withTimings(Duration.ofMillis(200), Duration.ofSeconds(1)));
        nodes.add(s);
        return s;
    }

    private WsClient peer(TestServer node, String peerId) {
        WsClient c = node.tokenClient(node.token(peerId, ""));
        clients.add(c);
        return c;
    }

    /** Waits until the app's event log in Redis ({@code {prefix}demo:wh:log}) holds {@code n} entries. */
    private void awaitLogLength(long n) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String len = null;
        while (System.nanoTime() < deadline) {
            len = CLUSTER.redis().command("XLEN " + prefix + "demo:wh:log");
            if ((":" + n).equals(len)) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        throw new AssertionError("event log length " + len + ", expected " + n);
    }

    /** A JWT for {@code peerId} minted by the node in a process of its own ({@code POST /v1/tokens}). */
    private static String token(NodeProcess node, String peerId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(node.url().replaceFirst("^ws", "http") + "/v1/tokens"))
                .header("Authorization", TestServer.BEARER).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"peerId\":\"" + peerId + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).path("token").asText();
    }

    @Test
    void twoNodesDeliverEachEventOnceFromOneSender() throws Exception {
        String yaml = config("flapGrace: 0, batchDelay: 10ms");
        TestServer a = node(yaml);
        TestServer b = node(yaml);
        WsClient alice = peer(a, "alice");
        WsClient bob = peer(b, "bob");
        alice.subscribe("room");
        bob.subscribe("room");
        // Alice sees Bob join (through Redis): both subscriptions are decided cluster-wide.
        assertThat(alice.skipUntil("presence").path("joined").get(0).path("peerId").asText()).isEqualTo("bob");
        alice.sendJson("type", "publish", "channel", "room", "data", "from a", "requestId", "pa");
        alice.expect("ack");
        bob.sendJson("type", "publish", "channel", "room", "data", "from b", "requestId", "pb");
        bob.skipUntil("ack");
        assertThat(alice.skipUntil("message").path("data").asText()).isEqualTo("from b");
        alice.closeWith(1000);
        bob.closeWith(1000);
        receiver.awaitEvents(WAIT, has("channel.vacated:room", "peer.disconnected:alice:1000",
                "peer.disconnected:bob:1000"));
        // Last, one event decided on each node: a duplicate of anything above would have been
        // appended to the app's log before these, and the log is read in order.
        peer(a, "last-a");
        peer(b, "last-b");
        List<JsonNode> events = receiver.awaitEvents(WAIT, has("peer.connected:last-a", "peer.connected:last-b"));

        assertThat(shown(events)).containsExactlyInAnyOrder(
                "peer.connected:alice", "peer.connected:bob",
                "channel.occupied:room",
                "presence.joined:room:alice", "presence.joined:room:bob",
                "message.published:room:alice", "message.published:room:bob",
                "presence.left:room:alice", "presence.left:room:bob",
                "channel.vacated:room",
                "peer.disconnected:alice:1000", "peer.disconnected:bob:1000",
                "peer.connected:last-a", "peer.connected:last-b");
        assertThat(shown(events).indexOf("channel.occupied:room"))
                .isLessThan(shown(events).indexOf("channel.vacated:room"));
        assertThat(events).extracting(e -> e.path("id").asText()).doesNotHaveDuplicates();
        for (Received r : receiver.received()) {
            assertThat(new Signature(SECRET).verify(r.body(), r.header("X-Rms-Signature"))).isTrue();
        }
        // One node holds the app's lease and sends everything; the other sends nothing.
        List<Long> requests = nodes.stream().map(n -> n.server().webhookStats().get(0))
                .map(EndpointStats::requests).toList();
        assertThat(requests).containsOnlyOnce(0L);
        assertThat(requests.stream().mapToLong(Long::longValue).sum()).isEqualTo(receiver.received().size());
    }

    @Test
    void aCrashedNodesQueuedEventsAndItsPeersEndsAreDeliveredByASurvivor() throws Exception {
        // The endpoint fails while the doomed node is the only sender, so what it read stays queued.
        receiver.otherwise(Answer.status(503));
        String settings = "flapGrace: 0, batchDelay: 10ms, maxAttempts: 100, retryMinDelay: 100ms, "
                + "retryMaxDelay: 300ms";
        String yaml = config(settings) + "cluster:\n  redis: " + CLUSTER.redis().uri() + "\n  keyPrefix: \"" + prefix
                + "\"\n  heartbeatInterval: 200ms\n  nodeTimeout: 1s\n";
        try (NodeProcess doomed = NodeProcess.start(yaml)) {
            WsClient ghost = WsClient.connect(URI.create(doomed.url() + "/v1?token="
                    + URLEncoder.encode(token(doomed, "ghost"), StandardCharsets.UTF_8)));
            clients.add(ghost);
            ghost.expect("welcome");
            ghost.subscribe("solo");
            ghost.sendJson("type", "publish", "channel", "solo", "data", "before the crash", "requestId", "p1");
            ghost.expect("ack");
            // The doomed node holds the lease and is retrying its first batch (answered 503 so far;
            // one POST at a time, so the others wait behind it); all four are in the app's log.
            receiver.awaitEvents(WAIT, has("peer.connected:ghost"));
            awaitLogLength(4);
            assertThat(receiver.acceptedEvents()).isEmpty();

            TestServer survivor = node(config(settings));
            WsClient watcher = peer(survivor, "watcher");
            watcher.subscribe("lobby");
            // (The doomed node is still retrying its first batch: one POST at a time, in order.)
            assertThat(survivor.server().webhookStats().get(0).requests()).isZero();

            doomed.kill(); // SIGKILL: no goodbye to Redis, its lease and its queue die with it
            long t0 = System.nanoTime();
            receiver.otherwise(Answer.status(200));
            List<JsonNode> accepted = receiver.awaitAccepted(WAIT, has(
                    "peer.connected:ghost", "channel.occupied:solo", "presence.joined:solo:ghost",
                    "message.published:solo:ghost", "peer.connected:watcher", "channel.occupied:lobby",
                    "presence.joined:lobby:watcher",
                    "peer.disconnected:ghost:1006", "presence.left:solo:ghost", "channel.vacated:solo"));
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            System.out.println("a crashed node's events were delivered by the survivor " + ms
                    + " ms after the SIGKILL (nodeTimeout 1 s, heartbeat 200 ms)");
            List<String> shown = shown(accepted);
            // At least once: a request the doomed node had on its way may have been accepted as
            // well, but every repeat carries the event's id, so a receiver can deduplicate.
            Map<String, Set<String>> ids = new TreeMap<>();
            for (JsonNode e : accepted) {
                ids.computeIfAbsent(WebhooksIT.show(e), k -> new TreeSet<>()).add(e.path("id").asText());
            }
            assertThat(ids).allSatisfy((event, itsIds) -> assertThat(itsIds).as(event).hasSize(1));
            assertThat(ids.keySet()).doesNotContain("channel.vacated:lobby"); // the watcher is still there
            assertThat(shown.indexOf("presence.joined:solo:ghost")).isLessThan(shown.indexOf("presence.left:solo:ghost"));
            assertThat(shown.indexOf("channel.occupied:solo")).isLessThan(shown.indexOf("channel.vacated:solo"));
            JsonNode lost = accepted.stream().filter(e -> e.path("type").asText().equals("peer.disconnected"))
                    .findFirst().orElseThrow();
            assertThat(lost.path("reason").asText()).isEqualTo("node lost");
            JsonNode published = accepted.stream().filter(e -> e.path("type").asText().equals("message.published"))
                    .findFirst().orElseThrow();
            assertThat(published.path("data").asText()).isEqualTo("before the crash");
            // The survivor is the sender now: it delivered every one of them. It counts a batch once
            // it has read the 200, which can be just after the receiver recorded the batch: wait.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (survivor.server().webhookStats().get(0).delivered() < ids.size() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            assertThat(survivor.server().webhookStats().get(0).delivered()).isGreaterThanOrEqualTo(ids.size());
        }
    }
}

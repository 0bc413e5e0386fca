package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ClusterSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's batched Redis writes (cluster/redis {@code CommandPipe}) keep the guarantees of
 * docs/clustering.md under concurrent, pipelined load on a real {@code redis-server}: each
 * publisher's order on every node without gaps or duplicates, acks in command order and only for
 * what Redis took, exact message usage once acked — also when Redis drops the nodes' command
 * connections in the middle of a stream.
 */
class ClusterPipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    /** Rate limits lifted: the publishers do not wait for acks. */
    private static final String UNLIMITED_RATE = "messageRate: 100000\nmessageBurst: 100000";
    @RegisterExtension
    static final RedisNodes CLUSTER = new RedisNodes();

    private final List<TestServer> nodes = CLUSTER.nodes;
    private final List<WsClient> clients = CLUSTER.clients;




    private List<TestServer> cluster(int n) {
        ClusterSettings settings = ClusterSettings.of(CLUSTER.redis().uri()).withKeyPrefix("p" + CLUSTERS.incrementAndGet() + ":");
        for (int i = 0; i < n; i++) {
            nodes.add(TestServer.start(TestServer.singleApp("", UNLIMITED_RATE), settings));
        }
        return nodes;
    }

    private WsClient client(TestServer node) {
        WsClient c = node.client();
        clients.add(c);
        return c;
    }

    @Test
    void concurrentPipelinedPublishersOnTwoNodesKeepTheirOrderEverywhereAndAreCountedOnceAcked() throws Exception {
        List<TestServer> c = cluster(2);
        List<WsClient> subscribers = List.of(client(c.get(0)), client(c.get(1)));
        for (WsClient s : subscribers) {
            s.subscribe("ord");
        }
        int perNode = 3;
        int n = 300;
        List<WsClient> publishers = new ArrayList<>();
        for (int j = 0; j < 2 * perNode; j++) {
            publishers.add(client(c.get(j % 2)));
        }
        ExecutorService threads = Executors.newFixedThreadPool(publishers.size());
        try {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int j = 0; j < publishers.size(); j++) {
                int pj = j;
                WsClient p = publishers.get(j);
                sent.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < n; i++) {
                        p.sendJson("type", "publish", "channel", "ord", "requestId", pj + "-" + i,
                                "data", JSON.createObjectNode().put("p", pj).put("i", i));
                    }
                }, threads));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        } finally {
            threads.shutdown();
        }
        // Acks come back in command order, one per publish.
        for (int j = 0; j < publishers.size(); j++) {
            for (int i = 0; i < n; i++) {
                assertThat(publishers.get(j).expect("ack").path("requestId").asText()).isEqualTo(j + "-" + i);
            }
        }
        // Every subscriber, on either node, gets each publisher's messages in order, each once.
        for (WsClient s : subscribers) {
            int[] next = new int[publishers.size()];
            for (int k = 0; k < publishers.size() * n; k++) {
                JsonNode m = s.skipUntil("message").path("data");
                int pj = m.path("p").asInt();
                assertThat(m.path("i").asInt()).as("publisher %d on %s", pj, s).isEqualTo(next[pj]++);
            }
            assertThat(s.drainUntilPong()).noneMatch(f -> f.path("type").asText().equals("message"));
        }
        // Counts of an unlimited app travel in batches with the publishes: all there once acked.
        for (TestServer node : c) {
            JsonNode usage = JSON.readTree(node.rest("GET", "/v1/usage", TestServer.BEARER, null).body());
            assertThat(usage.path("messagesUsed").asLong()).isEqualTo((long) publishers.size() * n);
        }
    }

    @Test
    void whenRedisDropsTheCommandConnectionsMidStreamOnlyWhatRedisTookIsAckedAndAllOfItArrives() throws Exception {
        List<TestServer> c = cluster(2);
        WsClient sub = client(c.get(1));
        sub.subscribe("drop");
        WsClient pub = client(c.get(0));
        int n = 2000;
        int killAt = 300;
        Set<Integer> acked = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (i == killAt) {
                // The stream is flowing before the drop: the first publish is acked (Redis took it)
                // while the rest of the first killAt may still be in flight. Without this wait the
                // kill could reach Redis before the node had read a single publish, and nothing at
                // all would be acked (the sends above only queue frames).
                JsonNode first = pub.next();
                assertThat(first.path("requestId").asText()).isEqualTo("r0");
                assertThat(first.path("type").asText()).as("the first publish, before the drop").isEqualTo("ack");
                acked.add(0);
                // The pub/sub connections (type pubsub) stay: node 1 keeps receiving what Redis took.
                assertThat(CLUSTER.redis().command("CLIENT KILL TYPE normal")).startsWith(":");
            }
            pub.sendJson("type", "publish", "channel", "drop", "requestId", "r" + i, "data", i);
        }
        Map<String, Integer> errors = new HashMap<>();
        for (int i = 1; i < n; i++) {
            JsonNode answer = pub.next();
            assertThat(answer.path("requestId").asText()).as("answers in command order").isEqualTo("r" + i);
            if (answer.path("type").asText().equals("ack")) {
                acked.add(i);
            } else {
                assertThat(answer.path("type").asText()).isEqualTo("error");
                errors.merge(answer.path("code").asText(), 1, Integer::sum);
            }
        }
        assertThat(errors.keySet()).isSubsetOf(Set.of("backend_error"));
        // A marker, retried until Redis takes it again, closes the stream.
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            pub.sendJson("type", "publish", "channel", "drop", "requestId", "end", "data", -1);
            if (pub.next().path("type").asText().equals("ack")) {
                break;
            }
            assertThat(System.nanoTime()).as("Redis back within 15 s").isLessThan(deadline);
            LockSupport.parkNanos(20_000_000); // Lettuce reconnects every reconnectDelay (300 ms)
        }
        List<Integer> received = new ArrayList<>();
        while (true) {
            int v = sub.skipUntil("message").path("data").asInt();
            if (v == -1) {
                break;
            }
            received.add(v);
        }
        assertThat(received).as("in order, each once").isSorted().doesNotHaveDuplicates();
        assertThat(received).as("every acked publish arrived").containsAll(acked);
    }
}

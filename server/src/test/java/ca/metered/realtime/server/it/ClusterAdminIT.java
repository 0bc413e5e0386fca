package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ClusterSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin overview of a cluster on a real {@code redis-server}: every node lists every live node
 * with what that node reported (its connections, version, uptime), and a node that leaves the
 * cluster leaves the list.
 */
class ClusterAdminIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String YAML = TestServer.singleApp("", "")
            + "admin:\n  username: ops\n  password: " + AdminIT.PASSWORD + "\n";
    @RegisterExtension
    static final RedisNodes CLUSTER = new RedisNodes();

    private final List<TestServer> nodes = CLUSTER.nodes;
    private final List<WsClient> clients = CLUSTER.clients;




    private static JsonNode overview(TestServer node) {
        HttpRequest req = HttpRequest.newBuilder(node.httpUri("/admin/api/overview"))
                .header("Authorization", AdminIT.basic("ops", AdminIT.PASSWORD))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls the overview of {@code node} (reports are made once a second) until {@code done} holds. */
    private static JsonNode awaitOverview(TestServer node, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode last = overview(node);
        while (!done.test(last)) {
            assertThat(System.nanoTime()).as("overview never matched; last: %s", last.path("nodes")).isLessThan(deadline);
            LockSupport.parkNanos(50_000_000); // polling a condition with a deadline
            last = overview(node);
        }
        return last;
    }

    private static JsonNode nodeOf(JsonNode overview, String id) {
        for (JsonNode n : overview.path("nodes")) {
            if (n.path("id").asText().equals(id)) {
                return n;
            }
        }
        return null;
    }

    @Test
    void everyNodeListsTheOthersWithWhatTheyReportedAndALeavingNodeLeavesTheList() {
        ClusterSettings settings = ClusterSettings.of(CLUSTER.redis().uri()).withKeyPrefix("adm:");
        TestServer a = TestServer.start(YAML, settings);
        nodes.add(a);
        TestServer b = TestServer.start(YAML, settings);
        nodes.add(b);
        clients.add(b.client());
        clients.add(b.client());
        clients.add(a.client());
        String aId = overview(a).path("node").path("id").asText();
        String bId = overview(b).path("node").path("id").asText();
        assertThat(aId).isNotEqualTo(bId);

        JsonNode seenFromA = awaitOverview(a, o -> {
            JsonNode other = nodeOf(o, bId);
            return other != null && other.path("connections").asInt(-1) == 2;
        });
        assertThat(seenFromA.path("nodes").get(0).path("id").asText()).as("this node first").isEqualTo(aId);
        assertThat(seenFromA.path("nodes").get(0).path("self").asBoolean()).isTrue();
        JsonNode other = nodeOf(seenFromA, bId);
        assertThat(other.path("self").asBoolean()).isFalse();
        assertThat(other.path("version").asText()).isEqualTo(seenFromA.path("node").path("version").asText());
        assertThat(other.path("heapUsedBytes").asLong()).isPositive();
        assertThat(other.path("uptimeSeconds").asLong()).isNotNegative();
        assertThat(other.path("lastSeenAt").asLong()).isPositive();

        JsonNode seenFromB = awaitOverview(b, o -> {
            JsonNode n = nodeOf(o, aId);
            return n != null && n.path("connections").asInt(-1) == 1;
        });
        assertThat(seenFromB.path("nodes")).hasSize(2);

        nodes.remove(b);
        clients.subList(0, 2).forEach(WsClient::close);
        b.close(); // a graceful stop removes the node from the cluster at once
        JsonNode after = awaitOverview(a, o -> o.path("nodes").size() == 1);
        assertThat(after.path("nodes").get(0).path("id").asText()).isEqualTo(aId);
    }
}

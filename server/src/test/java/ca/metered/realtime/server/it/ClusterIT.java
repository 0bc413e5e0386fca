package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ClusterSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several nodes on one real {@code redis-server} behave as one service (docs/clustering.md).
 * Nodes run in this JVM, each with its own Redis connections, so they share nothing but Redis.
 * Clients are raw WebSocket clients ({@link WsClient}), which see every frame and its order; the
 * Java SDK's cluster tests are {@code sdk/…/ClusterSdkIT}, the JS SDK's {@code interop/test/cluster.test.mjs}.
 */
class ClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    @RegisterExtension
    static final RedisNodes CLUSTER = new RedisNodes();

    private final List<TestServer> nodes = CLUSTER.nodes;
    private final List<WsClient> clients = CLUSTER.clients;
    private String prefix;




    /** Starts {@code n} nodes forming a fresh cluster (own key prefix) with {@code limits} for app demo. */
    private List<TestServer> cluster(int n, String limits, Duration heartbeat, Duration timeout) {
        prefix = "t" + CLUSTERS.incrementAndGet() + ":";
        ClusterSettings settings = ClusterSettings.of(CLUSTER.redis().uri()).withKeyPrefix(prefix).withTimings(heartbeat, timeout);
        List<TestServer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestServer s = TestServer.start(TestServer.singleApp("", limits), settings);
            nodes.add(s);
            out.add(s);
        }
        return out;
    }

    private List<TestServer> cluster(int n) {
        return cluster(n, "", ClusterSettings.DEFAULT_HEARTBEAT, ClusterSettings.DEFAULT_NODE_TIMEOUT);
    }

    private WsClient client(TestServer node) {
        WsClient c = node.client();
        clients.add(c);
        return c;
    }

    private WsClient peer(TestServer node, String peerId) {
        WsClient c = node.tokenClient(node.token(peerId, ""));
        clients.add(c);
        return c;
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void publishReachesSubscribersOnEveryNodeExceptThePublisher() {
        List<TestServer> c = cluster(3);
        WsClient a = client(c.get(0));
        WsClient b = client(c.get(1));
        WsClient pub = client(c.get(2));
        WsClient sameNode = client(c.get(2));
        List<WsClient> inOrder = List.of(a, b, pub, sameNode);
        for (WsClient w : inOrder) {
            w.subscribe("room");
        }
        // Each sees the joins of those who came after it. They travel on the nodes' pub/sub
        // connections, which no ping round trip orders against: wait for them, not for a pong.
        for (int i = 0; i < inOrder.size(); i++) {
            awaitJoins(inOrder.get(i), inOrder.size() - 1 - i);
        }
        pub.sendJson("type", "publish", "channel", "room", "data", JSON.createObjectNode().put("k", 1), "requestId", "p1");
        assertThat(pub.expect("ack").path("requestId").asText()).isEqualTo("p1");
        for (WsClient w : List.of(a, b, sameNode)) {
            JsonNode m = w.skipUntil("message");
            assertThat(m.path("data").path("k").asInt()).isEqualTo(1);
            assertThat(m.path("channel").asText()).isEqualTo("room");
        }
        // No duplicate, and nothing for the publisher: a second message is the next one everywhere.
        pub.sendJson("type", "publish", "channel", "room", "data", 2, "requestId", "p2");
        pub.expect("ack");
        for (WsClient w : List.of(a, b, sameNode)) {
            assertThat(w.skipUntil("message").path("data").asInt()).isEqualTo(2);
        }
        assertThat(pub.drainUntilPong()).noneMatch(f -> f.path("type").asText().equals("message"));
    }

    @Test
    void orderPerPublisherIsKeptAcrossNodesWithoutGapsOrDuplicates() {
        List<TestServer> c = cluster(2);
        WsClient sub = client(c.get(0));
        WsClient local = client(c.get(1));
        WsClient pub = client(c.get(1));
        sub.subscribe("seq");
        local.subscribe("seq");
        int n = 150; // within the 200 burst of the per-connection rate limit
        for (int i = 0; i < n; i++) {
            pub.sendJson("type", "publish", "channel", "seq", "data", i);
        }
        for (WsClient w : List.of(sub, local)) {
            for (int i = 0; i < n; i++) {
                assertThat(w.skipUntil("message").path("data").asInt()).isEqualTo(i);
            }
        }
    }

    @Test
    void wildcardSubscriptionMatchesRemotePublishesOnce() {
        List<TestServer> c = cluster(2);
        WsClient glob = client(c.get(0));
        glob.subscribe("devices/*/events");
        glob.subscribe("devices/**");
        glob.subscribe("devices/d1/events");
        WsClient pub = client(c.get(1));
        pub.sendJson("type", "publish", "channel", "devices/d1/events", "data", 1, "requestId", "x");
        pub.expect("ack");
        pub.sendJson("type", "publish", "channel", "devices/d2/x/events", "data", 2, "requestId", "y");
        pub.expect("ack");
        pub.sendJson("type", "publish", "channel", "other", "data", 3, "requestId", "z");
        pub.expect("ack");
        JsonNode m1 = glob.skipUntil("message");
        assertThat(m1.path("channel").asText()).isEqualTo("devices/d1/events");
        JsonNode m2 = glob.skipUntil("message");
        assertThat(m2.path("channel").asText()).isEqualTo("devices/d2/x/events");
        assertThat(glob.drainUntilPong()).noneMatch(f -> f.path("type").asText().equals("message"));
    }

    @Test
    void sendFindsThePeerOnAnyNodeAndPeerNotFoundOnlyWhenOnNone() {
        List<TestServer> c = cluster(2);
        WsClient bob1 = peer(c.get(0), "bob");
        WsClient bob2 = peer(c.get(1), "bob");
        WsClient alice = peer(c.get(1), "alice");
        alice.sendJson("type", "send", "to", "bob", "data", "hi", "requestId", "s1");
        alice.expect("ack");
        for (WsClient b : List.of(bob1, bob2)) {
            JsonNode d = b.skipUntil("direct");
            assertThat(d.path("from").asText()).isEqualTo("alice");
            assertThat(d.path("data").asText()).isEqualTo("hi");
        }
        alice.sendJson("type", "send", "to", "nobody", "data", "x", "requestId", "s2");
        alice.expectError("peer_not_found", "s2");
        bob1.close();
        bob2.close();
        c.get(0).awaitSessionCount(0);
        c.get(1).awaitSessionCount(1); // alice only
        // A node drops its Redis subscription to bob's topic asynchronously after bob's last
        // connection there closed; until Redis has processed that UNSUBSCRIBE a send still counts
        // the node as a receiver (and is acked, then dropped there). So poll, with a deadline.
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        for (int i = 3; ; i++) {
            alice.sendJson("type", "send", "to", "bob", "data", "x", "requestId", "s" + i);
            JsonNode answer = alice.next();
            if (answer.path("type").asText().equals("error")) {
                assertThat(answer.path("code").asText()).isEqualTo("peer_not_found");
                assertThat(answer.path("requestId").asText()).isEqualTo("s" + i);
                break;
            }
            assertThat(answer.path("type").asText()).isEqualTo("ack");
            assertThat(System.nanoTime()).as("peer_not_found within the deadline").isLessThan(deadline);
        }
    }

    @Test
    void presenceIsClusterWideAndOnePeerOnTwoNodesJoinsOnceAndLeavesOnce() {
        List<TestServer> c = cluster(2);
        WsClient watcher = peer(c.get(0), "watcher");
        watcher.subscribe("room");
        WsClient tab1 = peer(c.get(0), "alice");
        assertThat(tab1.subscribe("room").path("joined")).extracting(j -> j.path("peerId").asText())
                .containsExactly("watcher");
        WsClient tab2 = peer(c.get(1), "alice");
        assertThat(tab2.subscribe("room").path("joined")).extracting(j -> j.path("peerId").asText())
                .containsExactly("watcher");
        JsonNode joined = watcher.expect("presence");
        assertThat(joined.path("joined").get(0).path("peerId").asText()).isEqualTo("alice");
        WsClient late = peer(c.get(1), "late");
        assertThat(late.subscribe("room").path("joined")).extracting(j -> j.path("peerId").asText())
                .containsExactlyInAnyOrder("watcher", "alice");
        watcher.expect("presence"); // late joined
        tab1.close();
        c.get(0).awaitSessionCount(1);
        HttpResponse<String> peers = c.get(1).rest("GET", "/v1/channels/room/peers", TestServer.BEARER, null);
        assertThat(json(peers.body()).path("peers")).extracting(p -> p.path("peerId").asText())
                .containsExactlyInAnyOrder("watcher", "alice", "late");
        tab2.close();
        JsonNode left = watcher.expect("presence");
        assertThat(left.path("left").get(0).path("peerId").asText()).isEqualTo("alice");
        assertThat(watcher.drainUntilPong()).isEmpty(); // one left only
    }

    @Test
    void newcomersJoinedReachesOtherNodesBeforeItsDirect() {
        List<TestServer> c = cluster(2);
        WsClient watcher = peer(c.get(0), "watcher");
        watcher.subscribe("room");
        for (int i = 0; i < 20; i++) {
            WsClient newcomer = peer(c.get(1), "n" + i);
            newcomer.subscribe("room");
            newcomer.sendJson("type", "send", "to", "watcher", "data", i, "requestId", "d");
            newcomer.expect("ack");
            JsonNode first = watcher.next();
            assertThat(first.path("type").asText()).as("frame %s", first).isEqualTo("presence");
            assertThat(first.path("joined").get(0).path("peerId").asText()).isEqualTo("n" + i);
            assertThat(watcher.expect("direct").path("data").asInt()).isEqualTo(i);
            newcomer.close();
            assertThat(watcher.expect("presence").path("left").get(0).path("peerId").asText()).isEqualTo("n" + i);
        }
    }

    @Test
    void restWorksFromAnyNodeAndKickClosesThePeerEverywhere() {
        List<TestServer> c = cluster(3);
        WsClient sub = client(c.get(0));
        sub.subscribe("news");
        HttpResponse<String> pub = c.get(2).rest("POST", "/v1/channels/news/publish", TestServer.BEARER,
                "{\"data\":{\"n\":1}}");
        assertThat(pub.statusCode()).isEqualTo(200);
        JsonNode m = sub.skipUntil("message");
        assertThat(m.path("from").asText()).isEqualTo("server");
        WsClient bob1 = peer(c.get(0), "bob");
        WsClient bob2 = peer(c.get(1), "bob");
        HttpResponse<String> usage = c.get(2).rest("GET", "/v1/usage", TestServer.BEARER, null);
        assertThat(json(usage.body()).path("concurrentNow").asLong()).isEqualTo(3);
        HttpResponse<String> kick = c.get(2).rest("DELETE", "/v1/peers/bob", TestServer.BEARER, null);
        assertThat(kick.statusCode()).isEqualTo(200);
        assertThat(json(kick.body()).path("closed").asInt()).isEqualTo(2);
        assertThat(bob1.awaitClose().code()).isEqualTo(4020);
        assertThat(bob2.awaitClose().code()).isEqualTo(4020);
        c.get(0).awaitSessionCount(1);
        c.get(1).awaitSessionCount(0);
        // A released connection's un-count is issued to Redis asynchronously by the node that
        // held it; another node's read is not ordered after it, so poll with a deadline.
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        do {
            usage = c.get(1).rest("GET", "/v1/usage", TestServer.BEARER, null);
            if (json(usage.body()).path("concurrentNow").asLong() == 1 || System.nanoTime() > deadline) {
                break;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // polling a condition with a deadline
        } while (true);
        assertThat(json(usage.body()).path("concurrentNow").asLong()).isEqualTo(1);
        assertThat(json(usage.body()).path("peakConcurrent").asLong()).isEqualTo(3);
        assertThat(json(usage.body()).path("messagesUsed").asLong()).isEqualTo(1);
    }

    @Test
    void connectionCapAndMessageQuotaCountTheWholeCluster() {
        List<TestServer> c = cluster(2, "maxConcurrentConnections: 2\nmaxMessagesPerPeriod: 3",
                ClusterSettings.DEFAULT_HEARTBEAT, ClusterSettings.DEFAULT_NODE_TIMEOUT);
        WsClient a = client(c.get(0));
        WsClient b = client(c.get(1));
        WsClient third = WsClient.connect(c.get(0).keyUri(TestServer.PK));
        clients.add(third);
        assertThat(third.awaitClose().code()).isEqualTo(4010);
        for (int i = 0; i < 3; i++) {
            (i % 2 == 0 ? a : b).sendJson("type", "publish", "channel", "q", "data", i, "requestId", "m" + i);
            (i % 2 == 0 ? a : b).expect("ack");
        }
        b.sendJson("type", "publish", "channel", "q", "data", 9, "requestId", "over");
        b.expectError("over_message_quota", "over");
    }

    @Test
    void oneRedisSubscriptionPerNodePerChannelInUse() {
        List<TestServer> c = cluster(2);
        List<WsClient> subs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            WsClient w = client(c.get(i % 2));
            w.subscribe("busy");
            subs.add(w);
        }
        assertThat(CLUSTER.redis().numsub(prefix + "demo:ch:busy")).isEqualTo(2);
        subs.forEach(WsClient::close);
        c.get(0).awaitSessionCount(0);
        c.get(1).awaitSessionCount(0);
        awaitTrue(() -> CLUSTER.redis().numsub(prefix + "demo:ch:busy") == 0, Duration.ofSeconds(5));
    }

    @Test
    void channelsNobodyIsOnLeaveNoKeysInRedis() {
        List<TestServer> c = cluster(2, "messageRate: 100000\nmessageBurst: 100000", ClusterSettings.DEFAULT_HEARTBEAT,
                ClusterSettings.DEFAULT_NODE_TIMEOUT);
        WsClient stays = peer(c.get(0), "stays");
        stays.subscribe("kept");
        for (int i = 0; i < 200; i++) {
            WsClient a = peer(c.get(i % 2), "a" + i);
            a.subscribe("gone-" + i);
            a.subscribe("both-" + i);
            WsClient b = client(c.get((i + 1) % 2));
            b.subscribe("both-" + i);
            a.sendJson("type", "unsubscribe", "channel", "gone-" + i, "requestId", "u");
            a.skipUntil("ack");
            a.close();
            b.close();
        }
        c.get(0).awaitSessionCount(1);
        c.get(1).awaitSessionCount(0);
        // Per channel, only the channel still in use has presence keys; no node keeps a
        // contribution for a channel it left.
        awaitTrue(() -> CLUSTER.redis().keys(prefix + "*").stream().noneMatch(k -> k.contains("gone-") || k.contains("both-")),
                Duration.ofSeconds(5));
        List<String> keys = CLUSTER.redis().keys(prefix + "*");
        assertThat(keys).noneMatch(k -> k.contains("gone-") || k.contains("both-"));
        assertThat(keys).anyMatch(k -> k.contains("kept"));
    }

    @Test
    void gracefulShutdownOfANodeRemovesItsPeersAtOnce() {
        List<TestServer> c = cluster(2);
        WsClient watcher = peer(c.get(0), "watcher");
        watcher.subscribe("room");
        WsClient gone = peer(c.get(1), "gone");
        gone.subscribe("room");
        watcher.expect("presence");
        long t0 = System.nanoTime();
        c.get(1).close();
        nodes.remove(c.get(1));
        JsonNode left = watcher.expect("presence");
        assertThat(left.path("left").get(0).path("peerId").asText()).isEqualTo("gone");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void crashedNodesPeersLeaveOnTheSurvivorsWithinTheNodeTimeout() {
        List<TestServer> c = cluster(1, "", Duration.ofMillis(200), Duration.ofSeconds(1));
        WsClient watcher = peer(c.get(0), "watcher");
        watcher.subscribe("room");
        // The other node runs in a process of its own, so that it can really crash.
        String yaml = TestServer.singleApp("", "") + "cluster:\n  redis: " + CLUSTER.redis().uri() + "\n  keyPrefix: \""
                + prefix + "\"\n  heartbeatInterval: 200ms\n  nodeTimeout: 1s\n";
        try (NodeProcess crashing = NodeProcess.start(yaml)) {
            WsClient ghost = WsClient.connect(java.net.URI.create(crashing.url() + "/v1?token="
                    + java.net.URLEncoder.encode(c.get(0).token("ghost", ""), java.nio.charset.StandardCharsets.UTF_8)));
            clients.add(ghost);
            ghost.expect("welcome");
            ghost.subscribe("room");
            assertThat(watcher.expect("presence").path("joined").get(0).path("peerId").asText()).isEqualTo("ghost");
            long t0 = System.nanoTime();
            crashing.kill(); // SIGKILL: no cleanup reaches Redis
            JsonNode left = watcher.expect("presence");
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            assertThat(left.path("left").get(0).path("peerId").asText()).isEqualTo("ghost");
            assertThat(ms).isLessThan(3000);
            HttpResponse<String> peers = c.get(0).rest("GET", "/v1/channels/room/peers", TestServer.BEARER, null);
            assertThat(json(peers.body()).path("peers")).extracting(p -> p.path("peerId").asText())
                    .containsExactly("watcher");
            System.out.println("crashed node's peer left after " + ms + " ms (nodeTimeout 1 s, heartbeat 200 ms)");
        }
    }

    @Test
    void redisDownFailsPublishWithBackendErrorButLocalDeliveryGoesOnAndEverythingRecovers() {
        List<TestServer> c = cluster(2);
        WsClient localSub = peer(c.get(0), "local");
        localSub.subscribe("room");
        WsClient remoteSub = peer(c.get(1), "remote");
        remoteSub.subscribe("room");
        localSub.expect("presence"); // remote joined
        WsClient pub = peer(c.get(0), "pub");

        CLUSTER.redis().stop();
        pub.sendJson("type", "publish", "channel", "room", "data", "during", "requestId", "d1");
        pub.expectError("backend_error", "d1");
        assertThat(localSub.skipUntil("message").path("data").asText()).isEqualTo("during");

        long t0 = System.nanoTime();
        CLUSTER.redis().launch(); // same port, empty: everything Redis knew is gone
        // Cross-node delivery comes back by itself. Each node's command and pub/sub connections
        // reconnect independently, so node A may accept publishes a moment before node B has
        // re-subscribed: keep publishing until one reaches the remote subscriber.
        int attempt = 0;
        String delivered = null;
        while (delivered == null) {
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
            pub.sendJson("type", "publish", "channel", "room", "data", "after", "requestId", "a" + attempt);
            JsonNode r = pub.next();
            if (r.path("type").asText().equals("ack")) {
                for (JsonNode f = remoteSub.poll(Duration.ofMillis(300)); f != null && delivered == null;
                        f = remoteSub.poll(Duration.ofMillis(300))) {
                    if (f.path("type").asText().equals("message")) {
                        delivered = f.path("data").asText();
                    }
                }
            } else {
                LockSupport.parkNanos(100_000_000); // retry pacing while Redis comes back
            }
            attempt++;
        }
        assertThat(delivered).isEqualTo("after");
        long deliveryMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        // Presence is re-asserted: Redis lists every live peer again.
        awaitTrue(() -> {
            HttpResponse<String> peers = c.get(1).rest("GET", "/v1/channels/room/peers", TestServer.BEARER, null);
            List<String> ids = new ArrayList<>();
            json(peers.body()).path("peers").forEach(p -> ids.add(p.path("peerId").asText()));
            return ids.containsAll(List.of("local", "remote")) && ids.size() == 2;
        }, Duration.ofSeconds(10));
        long presenceMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        HttpResponse<String> usage = c.get(1).rest("GET", "/v1/usage", TestServer.BEARER, null);
        assertThat(json(usage.body()).path("concurrentNow").asLong()).isEqualTo(3);
        System.out.println("after Redis restart: cross-node delivery back in " + deliveryMs
                + " ms, presence re-asserted in " + presenceMs + " ms");
    }

    /** Reads presence frames until {@code n} peers joined; anything else is a failure. */
    private static void awaitJoins(WsClient w, int n) {
        int joined = 0;
        while (joined < n) {
            JsonNode f = w.next();
            assertThat(f.path("type").asText()).as("frame %s", f).isEqualTo("presence");
            assertThat(f.path("left").size()).as("frame %s", f).isZero();
            joined += f.path("joined").size();
        }
        assertThat(joined).isEqualTo(n);
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + within);
            }
            LockSupport.parkNanos(50_000_000); // polling with a deadline
        }
    }
}

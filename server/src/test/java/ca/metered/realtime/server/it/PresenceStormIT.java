package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.config.ClusterSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Presence coalescing (docs/protocol.md 2.3) under join/leave storms, over real WebSockets: several
 * connections per peerId subscribe, unsubscribe, close and come back as fast as they can send,
 * with the server's default presence window. Every watcher applies its snapshot and the deltas
 * as the official MeteredPeer does (all {@code joined} of a frame, then all {@code left}) and
 * must never see a peer join twice or leave unseen, and must end with the true roster; a late
 * subscriber's snapshot is that roster too. On one node, and on two nodes sharing a real Redis.
 */
class PresenceStormIT {
    private static final String CHANNEL = "storm";
    private static final String SERVER = "connectRate:\n  perIp: 10000\n";
    private final List<TestServer> nodes = new ArrayList<>();
    private final List<WsClient> clients = new ArrayList<>();
    private RedisServer redis;

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        nodes.forEach(TestServer::close);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void oneNodeEveryWatcherEndsWithTheTrueRoster() {
        nodes.add(TestServer.start(TestServer.singleApp(SERVER, "")));
        storm(7);
    }

    @Test
    void twoNodesThroughRedisEveryWatcherEndsWithTheTrueRoster() {
        redis = RedisServer.start();
        ClusterSettings settings = ClusterSettings.of(redis.uri()).withKeyPrefix("storm:");
        nodes.add(TestServer.start(TestServer.singleApp(SERVER, ""), settings));
        nodes.add(TestServer.start(TestServer.singleApp(SERVER, ""), settings));
        storm(11);
    }

    private void storm(long seed) {
        Random random = new Random(seed);
        Map<String, String> tokens = new HashMap<>();
        List<Watcher> watchers = new ArrayList<>();
        for (int i = 0; i < 2 * nodes.size(); i++) {
            String peer = "watch" + i;
            WsClient c = connect(nodes.get(i % nodes.size()), peer, tokens);
            Watcher w = new Watcher(peer, c);
            w.snapshot(c.subscribe(CHANNEL));
            watchers.add(w);
        }
        // Storm peers: 12 peerIds, up to 2 connections each, spread over the nodes.
        List<Conn> conns = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            for (int k = 0; k < 2; k++) {
                conns.add(new Conn("p" + p, nodes.get((p + k) % nodes.size())));
            }
        }
        int requests = 0;
        for (int step = 0; step < 400; step++) {
            Conn c = conns.get(random.nextInt(conns.size()));
            if (c.client == null) {
                c.client = connect(c.node, c.peerId, tokens);
                c.watcher = new Watcher(c.peerId, c.client);
            } else if (!c.subscribed) {
                c.client.sendJson("type", "subscribe", "channel", CHANNEL, "requestId", "s" + requests++);
                c.subscribed = true;
            } else if (random.nextInt(3) == 0) {
                c.client.close(); // a close leaves like an unsubscribe
                clients.remove(c.client);
                c.client = null;
                c.subscribed = false;
            } else {
                c.client.sendJson("type", "unsubscribe", "channel", CHANNEL, "requestId", "u" + requests++);
                c.subscribed = false;
            }
        }
        Set<String> truth = new TreeSet<>();
        conns.stream().filter(c -> c.subscribed).forEach(c -> truth.add(c.peerId));
        watchers.forEach(w -> truth.add(w.peerId));
        // Every connection still subscribed, storm peers included (whose subscribes were answered
        // in the middle of the storm), ends with the roster; the others see nothing after their
        // unsubscribe's ack.
        for (Watcher w : watchers) {
            w.awaitRoster(without(truth, w.peerId));
        }
        for (Conn c : conns) {
            if (c.client != null) {
                c.watcher.awaitRoster(c.subscribed ? without(truth, c.peerId) : null);
            }
        }
        assertThat(watchers.stream().mapToInt(w -> w.largestFrame).max().getAsInt())
                .as("some presence frame carried several entries").isGreaterThan(1);
        // Late subscribers, one per node: the snapshot is the roster.
        Set<String> expected = new TreeSet<>(truth);
        for (int i = 0; i < nodes.size(); i++) {
            WsClient late = connect(nodes.get(i), "late" + i, tokens);
            Set<String> snapshot = new TreeSet<>();
            late.subscribe(CHANNEL).path("joined").forEach(j -> snapshot.add(j.path("peerId").asText()));
            assertThat(snapshot).isEqualTo(expected);
            expected.add("late" + i);
        }
    }

    private static Set<String> without(Set<String> roster, String peerId) {
        Set<String> out = new TreeSet<>(roster);
        out.remove(peerId);
        return out;
    }

    private WsClient connect(TestServer node, String peerId, Map<String, String> tokens) {
        String token = tokens.computeIfAbsent(peerId, p -> nodes.get(0).token(p, ""));
        WsClient c = node.tokenClient(token);
        clients.add(c);
        return c;
    }

    private static final class Conn {
        final String peerId;
        final TestServer node;
        WsClient client;
        Watcher watcher;
        boolean subscribed;

        Conn(String peerId, TestServer node) {
            this.peerId = peerId;
            this.node = node;
        }
    }

    /**
     * A connection's view of the channel's roster, kept as MeteredPeer keeps it and checked frame
     * by frame: a subscribe's ack, then its snapshot (the roster), then deltas; nothing after an
     * unsubscribe's ack.
     */
    private static final class Watcher {
        final String peerId;
        final WsClient client;
        /** {@code null} while not subscribed. */
        Set<String> roster;
        boolean awaitingSnapshot;
        int largestFrame;

        Watcher(String peerId, WsClient client) {
            this.peerId = peerId;
            this.client = client;
        }

        void snapshot(JsonNode snapshot) {
            roster = new HashSet<>();
            snapshot.path("joined").forEach(j -> roster.add(j.path("peerId").asText()));
            assertThat(snapshot.path("left").size()).isZero();
        }

        /** Reads frames until the view is {@code expected} ({@code null}: not subscribed) with nothing more on its way. */
        void awaitRoster(Set<String> expected) {
            long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
            while (true) {
                client.drainUntilPong().forEach(this::apply);
                if (java.util.Objects.equals(roster, expected) && !awaitingSnapshot) {
                    return;
                }
                assertThat(System.nanoTime()).as("%s sees %s, expected %s", peerId, roster, expected)
                        .isLessThan(deadline);
                LockSupport.parkNanos(20_000_000); // polling with a deadline
            }
        }

        private void apply(JsonNode f) {
            String type = f.path("type").asText();
            if (type.equals("ack")) {
                if (f.path("requestId").asText().startsWith("s")) {
                    awaitingSnapshot = true;
                } else {
                    assertThat(awaitingSnapshot).as("unsubscribed before its snapshot").isFalse();
                    roster = null;
                }
                return;
            }
            assertThat(type).as("frame %s", f).isEqualTo("presence");
            assertThat(f.path("channel").asText()).isEqualTo(CHANNEL);
            if (awaitingSnapshot) {
                awaitingSnapshot = false;
                snapshot(f);
                return;
            }
            assertThat(roster).as("presence while not subscribed: %s", f).isNotNull();
            Set<String> joined = new HashSet<>();
            f.path("joined").forEach(j -> joined.add(j.path("peerId").asText()));
            Set<String> left = new HashSet<>();
            f.path("left").forEach(j -> left.add(j.path("peerId").asText()));
            assertThat(java.util.Collections.disjoint(joined, left)).as("a peer in both arrays of %s", f).isTrue();
            assertThat(joined).as("told about itself: %s", f).doesNotContain(peerId);
            assertThat(left).as("told about itself: %s", f).doesNotContain(peerId);
            for (String p : joined) {
                assertThat(roster.add(p)).as("%s: %s joined twice (%s)", peerId, p, f).isTrue();
            }
            for (String p : left) {
                assertThat(roster.remove(p)).as("%s: %s left unseen (%s)", peerId, p, f).isTrue();
            }
            largestFrame = Math.max(largestFrame, joined.size() + left.size());
        }
    }
}

package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 2.3: snapshots, deltas, per-peerId presence, the presence action, ordering. */
class PresenceIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WsClient connect(String query, String[] peerIdOut) {
        WsClient c = WsClient.connect(server.wsUri(query));
        peerIdOut[0] = c.expect("welcome").path("peerId").asText();
        return c;
    }


    private static void assertDelta(JsonNode frame, String channel, String joined, String left) {
        assertThat(frame.path("type").asText()).as("%s", frame).isEqualTo("presence");
        assertThat(frame.path("channel").asText()).isEqualTo(channel);
        assertThat(frame.path("joined").isArray()).isTrue();
        assertThat(frame.path("left").isArray()).isTrue();
        assertThat(frame.path("joined").size()).as("joined of %s", frame).isEqualTo(joined == null ? 0 : 1);
        assertThat(frame.path("left").size()).as("left of %s", frame).isEqualTo(left == null ? 0 : 1);
        if (joined != null) {
            assertThat(frame.path("joined").get(0).path("peerId").asText()).isEqualTo(joined);
        }
        if (left != null) {
            assertThat(frame.path("left").get(0).path("peerId").asText()).isEqualTo(left);
        }
    }

    @Test
    void subscribeIsAckedThenFollowedByAnEmptySnapshotOnAnEmptyChannel() {
        try (WsClient a = server.client()) {
            a.sendJson("type", "subscribe", "channel", "pr-empty", "requestId", "s1");
            assertThat(a.next().path("type").asText()).isEqualTo("ack");
            JsonNode snap = a.expect("presence");
            assertThat(a.lastRaw()).isEqualTo("{\"type\":\"presence\",\"channel\":\"pr-empty\",\"joined\":[],\"left\":[]}");
            assertThat(snap.path("joined").size()).isZero();
            a.expectNothingPending();
        }
    }

    @Test
    void snapshotListsPeersAlreadyThereAndOthersGetJoinedAndLeftDeltas() {
        String[] id = new String[1];
        try (WsClient a = connect("key=" + TestServer.PK, id)) {
            String aId = id[0];
            a.subscribe("pr-1");
            WsClient b = connect("key=" + TestServer.PK, id);
            String bId = id[0];
            JsonNode snap = b.subscribe("pr-1");
            assertThat(snap.path("joined").size()).isEqualTo(1);
            assertThat(snap.path("joined").get(0).path("peerId").asText()).isEqualTo(aId);
            assertThat(snap.path("joined").get(0).has("metadata")).isFalse();
            assertThat(snap.path("left").size()).isZero();
            assertDelta(a.next(), "pr-1", bId, null);
            assertThat(a.lastRaw()).doesNotContain("metadata");
            b.close();
            assertDelta(a.next(), "pr-1", null, bId);
            a.expectNothingPending();
        }
    }

    @Test
    void unsubscribeAnnouncesLeftAndIsIdempotent() {
        String[] id = new String[1];
        try (WsClient a = server.client(); WsClient b = connect("key=" + TestServer.PK, id)) {
            a.subscribe("pr-2");
            b.subscribe("pr-2");
            assertDelta(a.next(), "pr-2", id[0], null);
            b.sendJson("type", "unsubscribe", "channel", "pr-2", "requestId", "u1");
            assertThat(b.expect("ack").path("requestId").asText()).isEqualTo("u1");
            assertDelta(a.next(), "pr-2", null, id[0]);
            b.sendJson("type", "unsubscribe", "channel", "pr-2", "requestId", "u2");
            assertThat(b.expect("ack").path("requestId").asText()).isEqualTo("u2");
            b.sendJson("type", "unsubscribe", "channel", "pr-never", "requestId", "u3");
            assertThat(b.expect("ack").path("requestId").asText()).isEqualTo("u3");
            b.expectNothingPending();
            a.expectNothingPending();
            // after unsubscribing, b no longer receives the channel's messages
            a.sendJson("type", "publish", "channel", "pr-2", "data", 1, "requestId", "p");
            a.expect("ack");
            b.expectNothingPending();
        }
    }

    @Test
    void metadataComesFromTheJwtPeerMetadataClaim() {
        String token = server.token("meta-alice", "\"peerMetadata\":{\"name\":\"Alice\",\"z\":[1,2],\"a\":null}");
        try (WsClient watcher = server.client()) {
            watcher.subscribe("pr-meta");
            try (WsClient alice = server.tokenClient(token)) {
                alice.subscribe("pr-meta");
                JsonNode d = watcher.next();
                assertDelta(d, "pr-meta", "meta-alice", null);
                assertThat(watcher.lastRaw()).contains("{\"peerId\":\"meta-alice\",\"metadata\":{\"name\":\"Alice\",\"z\":[1,2],\"a\":null}}");
                try (WsClient late = server.client()) {
                    JsonNode snap = late.subscribe("pr-meta");
                    assertThat(late.lastRaw()).contains("{\"peerId\":\"meta-alice\",\"metadata\":{\"name\":\"Alice\",\"z\":[1,2],\"a\":null}}");
                    assertThat(snap.path("joined").size()).isEqualTo(2);
                }
            }
        }
    }

    @Test
    void aPeerWithSeveralConnectionsIsAnnouncedOnceAndLeavesWhenItsLastConnectionLeaves() {
        String token = server.token("multi-tab", "");
        try (WsClient watcher = server.client()) {
            watcher.subscribe("pr-multi");
            WsClient tab1 = server.tokenClient(token);
            WsClient tab2 = server.tokenClient(token);
            JsonNode snap1 = tab1.subscribe("pr-multi");
            assertThat(snap1.path("joined").size()).isEqualTo(1);
            assertDelta(watcher.next(), "pr-multi", "multi-tab", null);
            JsonNode snap2 = tab2.subscribe("pr-multi");
            // its own peerId is excluded from the snapshot even though another tab is there
            assertThat(snap2.path("joined").size()).isEqualTo(1);
            assertThat(snap2.path("joined").get(0).path("peerId").asText()).isNotEqualTo("multi-tab");
            watcher.expectNothingPending(); // no second joined
            tab1.expectNothingPending(); // a peer is not told about its own other connection
            tab1.closeWith(1000);
            server.awaitSessionCount(2);
            tab2.expectNothingPending();
            watcher.expectNothingPending(); // no left while tab2 is still there
            tab2.closeWith(1000);
            assertDelta(watcher.next(), "pr-multi", null, "multi-tab");
            watcher.expectNothingPending();
        }
    }

    @Test
    void leftIsDeliveredBeforeALaterJoinedForTheSamePeerId() {
        String token = server.token("rejoiner", "");
        try (WsClient watcher = server.client(); WsClient publisher = server.client()) {
            watcher.subscribe("pr-rejoin");
            // Connections of one peerId come and go without waiting for each other, so their
            // lifetimes overlap arbitrarily; whatever the interleaving, the watcher must see a
            // strict joined, left, joined, left, ... alternation ending with left. (Deltas inside
            // one presence window may be coalesced away in pairs, docs/protocol.md 2.3.)
            for (int i = 0; i < 20; i++) {
                WsClient c = server.tokenClient(token);
                c.sendJson("type", "subscribe", "channel", "pr-rejoin");
                if (i % 2 == 0) {
                    c.expect("presence");
                }
                c.close();
            }
            server.awaitSessionCount(2);
            // A message on the channel goes out after every presence delta decided before it.
            publisher.sendJson("type", "publish", "channel", "pr-rejoin", "data", "barrier", "requestId", "b");
            publisher.expect("ack");
            boolean present = false;
            for (JsonNode f = watcher.next(); !f.path("type").asText().equals("message"); f = watcher.next()) {
                assertDelta(f, "pr-rejoin", present ? null : "rejoiner", present ? "rejoiner" : null);
                present = !present;
            }
            assertThat(present).as("the last delta is a left").isFalse();
        }
    }

    @Test
    void subscribingTwiceIsAckedWithASecondSnapshotAndNoSecondJoined() {
        String[] id = new String[1];
        try (WsClient a = server.client(); WsClient b = connect("key=" + TestServer.PK, id)) {
            a.subscribe("pr-twice");
            b.subscribe("pr-twice");
            assertDelta(a.next(), "pr-twice", id[0], null);
            JsonNode again = b.subscribe("pr-twice");
            assertThat(again.path("joined").size()).isEqualTo(1);
            a.expectNothingPending();
            // still subscribed once: one copy of each message, and one left on unsubscribe
            a.sendJson("type", "publish", "channel", "pr-twice", "data", 1);
            b.expect("message");
            b.expectNothingPending();
            b.sendJson("type", "unsubscribe", "channel", "pr-twice");
            assertDelta(a.next(), "pr-twice", null, id[0]);
            a.expectNothingPending();
        }
    }

    @Test
    void aConnectionWithoutThePresenceActionGetsOnlyAnEmptySnapshotAndIsNotAnnounced() {
        String token = server.token("no-presence", "\"permissions\":[\"subscribe\",\"publish\"]");
        String[] id = new String[1];
        try (WsClient member = connect("key=" + TestServer.PK, id)) {
            member.subscribe("pr-hidden");
            try (WsClient hidden = server.tokenClient(token)) {
                JsonNode snap = hidden.subscribe("pr-hidden");
                assertThat(snap.path("joined").size()).isZero();
                member.expectNothingPending(); // not announced
                try (WsClient other = server.client()) {
                    other.subscribe("pr-hidden");
                    member.expect("presence");
                    hidden.expectNothingPending(); // no deltas for it
                    other.closeWith(1000);
                    member.expect("presence");
                    hidden.expectNothingPending();
                }
                // it still gets the channel's messages
                member.sendJson("type", "publish", "channel", "pr-hidden", "data", "hi");
                assertThat(hidden.expect("message").path("data").asText()).isEqualTo("hi");
                hidden.closeWith(1000);
                server.awaitSessionCount(1);
                member.expectNothingPending(); // no left either
            }
        }
    }

    @Test
    void aNewcomersJoinedReachesMembersBeforeAnythingItSendsAfterItsAck() {
        String[] id = new String[1];
        try (WsClient member = connect("key=" + TestServer.PK, id)) {
            String memberId = id[0];
            member.subscribe("pr-order");
            for (int i = 0; i < 20; i++) {
                try (WsClient newcomer = connect("key=" + TestServer.PK, id)) {
                    newcomer.subscribe("pr-order");
                    newcomer.sendJson("type", "send", "to", memberId, "data", i);
                    newcomer.sendJson("type", "publish", "channel", "pr-order", "data", i);
                    assertDelta(member.next(), "pr-order", id[0], null);
                    assertThat(member.expect("direct").path("from").asText()).isEqualTo(id[0]);
                    assertThat(member.expect("message").path("from").asText()).isEqualTo(id[0]);
                }
                assertDelta(member.next(), "pr-order", null, id[0]);
            }
        }
    }

    @Test
    void disconnectAnnouncesLeftOnEveryChannelOfTheConnection() {
        String[] id = new String[1];
        try (WsClient a = server.client()) {
            a.subscribe("pr-d1");
            a.subscribe("pr-d2");
            WsClient b = connect("key=" + TestServer.PK, id);
            b.subscribe("pr-d1");
            b.subscribe("pr-d2");
            assertDelta(a.next(), "pr-d1", id[0], null);
            assertDelta(a.next(), "pr-d2", id[0], null);
            b.closeWith(1000);
            JsonNode l1 = a.next();
            JsonNode l2 = a.next();
            assertThat(java.util.Set.of(l1.path("channel").asText(), l2.path("channel").asText()))
                    .containsExactlyInAnyOrder("pr-d1", "pr-d2");
            assertDelta(l1, l1.path("channel").asText(), null, id[0]);
            assertDelta(l2, l2.path("channel").asText(), null, id[0]);
        }
    }
}

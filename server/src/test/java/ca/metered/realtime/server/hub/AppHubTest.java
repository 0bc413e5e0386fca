package ca.metered.realtime.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.auth.Authorizer;
import ca.metered.realtime.server.cluster.Backplane;
import ca.metered.realtime.server.cluster.InMemoryCluster;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.config.LiveConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.config.ServerSettings;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.pubsub.Outcome;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AppHubTest {
    private final Hub hubs = new Hub(List.of("app"));
    private final AppHub hub = hubs.app("app");
    private final Backplane backplane = new InMemoryCluster(Clock.systemUTC()).join("n1");
    private final Memberships memberships = new Memberships(hubs, backplane.broker(), backplane.presence(),
            backplane.history(), new Authorizer(), LiveConfig.of(new ServerConfig(ServerSettings.defaults(),
                    List.of(new AppConfig("app", true, List.of(), List.of(), Limits.defaults(), List.of())))),
            LifecycleListener.NONE);

    AppHubTest() {
        backplane.start(new LocalDelivery(hubs, "n1", (app, channel) -> CompletableFuture.completedFuture(null)));
    }

    private List<PresenceEntry> join(RecordingSubscriber s, String channel, boolean includeMeta) {
        memberships.open(s);
        List<PresenceEntry> snapshot = new ArrayList<>();
        Outcome<Void> outcome = memberships.subscribe(s, channel, includeMeta, snapshot::addAll)
                .toCompletableFuture().join();
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        return snapshot;
    }

    private void unsubscribe(RecordingSubscriber s, String channel) {
        memberships.unsubscribe(s, channel).toCompletableFuture().join();
    }

    private List<PresenceEntry> members(String channel) {
        return backplane.presence().members("app", channel).toCompletableFuture().join();
    }

    @Test
    void snapshotListsOthersAndNewcomerIsAnnouncedOnce() {
        RecordingSubscriber a = new RecordingSubscriber("a", RawJson.of("{\"n\":\"A\"}"), true);
        RecordingSubscriber b = new RecordingSubscriber("b");
        assertThat(join(a, "room", false)).isEmpty();
        assertThat(join(b, "room", false)).containsExactly(new PresenceEntry("a", RawJson.of("{\"n\":\"A\"}")));
        assertThat(a.texts()).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[{\"peerId\":\"b\"}],\"left\":[]}");
        assertThat(b.texts()).isEmpty();
    }

    @Test
    void onePeerWithTwoConnectionsJoinsOnceAndLeavesOnce() {
        RecordingSubscriber watcher = new RecordingSubscriber("w");
        RecordingSubscriber tab1 = new RecordingSubscriber("alice");
        RecordingSubscriber tab2 = new RecordingSubscriber("alice");
        join(watcher, "room", false);
        join(tab1, "room", false);
        join(tab2, "room", false);
        assertThat(watcher.texts()).hasSize(1);
        unsubscribe(tab1, "room");
        assertThat(watcher.texts()).hasSize(1);
        unsubscribe(tab2, "room");
        assertThat(watcher.texts()).hasSize(2).last().asString().contains("\"left\":[{\"peerId\":\"alice\"}]");
    }

    @Test
    void subscriberWithoutPresenceSeesNoRosterAndIsNotAnnounced() {
        RecordingSubscriber a = new RecordingSubscriber("a");
        RecordingSubscriber silent = new RecordingSubscriber("s", null, false);
        join(a, "room", false);
        assertThat(join(silent, "room", false)).isEmpty();
        assertThat(a.texts()).isEmpty();
        join(new RecordingSubscriber("c"), "room", false);
        assertThat(silent.texts()).isEmpty();
    }

    @Test
    void publishSkipsThePublishingConnectionOnlyAndEncodesMetadataPerSubscriberChoice() {
        RecordingSubscriber pub = new RecordingSubscriber("p", RawJson.of("{\"r\":1}"), true);
        RecordingSubscriber plain = new RecordingSubscriber("x");
        RecordingSubscriber withMeta = new RecordingSubscriber("y");
        RecordingSubscriber sameTab = new RecordingSubscriber("p");
        join(pub, "c", false);
        join(plain, "c", false);
        join(withMeta, "c", true);
        join(sameTab, "c", false);
        List.of(pub, plain, withMeta, sameTab).forEach(RecordingSubscriber::clear);

        int n = hub.publishLocal("c", "p", RawJson.of("[1]"), pub.metadata, pub.connectionId());

        assertThat(n).isEqualTo(3);
        assertThat(pub.texts()).isEmpty();
        assertThat(plain.texts()).containsExactly("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":[1]}");
        assertThat(withMeta.texts()).containsExactly(
                "{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":[1],\"fromMetadata\":{\"r\":1}}");
        assertThat(sameTab.texts()).hasSize(1);
        // encoded once: subscribers of the same variant share one array
        assertThat(plain.frames.get(0)).isSameAs(sameTab.frames.get(0));
    }

    @Test
    void wildcardAndExactSubscriptionOfOneConnectionGetOneCopy() {
        RecordingSubscriber s = new RecordingSubscriber("s");
        join(s, "devices/d1/events", false);
        hub.subscribeGlob(s, ChannelPattern.compile("devices/*/events"), false);
        hub.subscribeGlob(s, ChannelPattern.compile("devices/**"), false);
        s.clear();
        assertThat(hub.publishLocal("devices/d1/events", "x", RawJson.of("1"), null, -1)).isEqualTo(1);
        assertThat(hub.publishLocal("devices/d2/events", "x", RawJson.of("2"), null, -1)).isEqualTo(1);
        assertThat(hub.publishLocal("devices/d2/x/events", "x", RawJson.of("3"), null, -1)).isEqualTo(1);
        assertThat(hub.publishLocal("other", "x", RawJson.of("4"), null, -1)).isZero();
        assertThat(s.texts()).hasSize(3);
        hub.unsubscribeGlob(s, ChannelPattern.compile("devices/**"));
        assertThat(hub.publishLocal("devices/d2/x/events", "x", RawJson.of("5"), null, -1)).isZero();
    }

    @Test
    void directReachesEveryConnectionOfThePeerAndKickClosesThem() {
        RecordingSubscriber t1 = new RecordingSubscriber("bob");
        RecordingSubscriber t2 = new RecordingSubscriber("bob");
        hub.addConnection(t1);
        hub.addConnection(t2);
        assertThat(hub.directLocal("bob", "a", RawJson.of("\"hi\""), RawJson.of("{}"))).isEqualTo(2);
        assertThat(t1.texts()).containsExactly("{\"type\":\"direct\",\"from\":\"a\",\"data\":\"hi\",\"fromMetadata\":{}}");
        assertThat(hub.directLocal("nobody", "a", RawJson.of("1"), null)).isZero();
        assertThat(hub.closePeer("bob", 4020, "admin")).isEqualTo(2);
        assertThat(t1.closedWith).isEqualTo(4020);
        hub.removeConnection(t1);
        hub.removeConnection(t2);
        assertThat(hub.connectionsOf("bob")).isZero();
    }

    @Test
    void aPeerGoesFromOneConnectionToSeveralAndBack() {
        RecordingSubscriber t1 = new RecordingSubscriber("bob");
        RecordingSubscriber t2 = new RecordingSubscriber("bob");
        RecordingSubscriber t3 = new RecordingSubscriber("bob");
        hub.addConnection(t1);
        hub.addConnection(t1); // registering twice counts once
        assertThat(hub.connectionsOf("bob")).isOne();
        assertThat(hub.directLocal("bob", "a", RawJson.of("1"), null)).isOne();
        hub.addConnection(t2);
        hub.addConnection(t3);
        assertThat(hub.connectionsOf("bob")).isEqualTo(3);
        hub.removeConnection(t1);
        assertThat(hub.connectionsOf("bob")).isEqualTo(2);
        hub.removeConnection(t3);
        assertThat(hub.connectionsOf("bob")).isOne();
        assertThat(hub.directLocal("bob", "a", RawJson.of("2"), null)).isOne();
        assertThat(t1.texts()).hasSize(1);
        assertThat(t2.texts()).hasSize(1);
        assertThat(t3.texts()).isEmpty();
        hub.removeConnection(t1); // not registered any more: no change
        assertThat(hub.closePeer("bob", 4020, "admin")).isOne();
        assertThat(t2.closedWith).isEqualTo(4020);
        hub.removeConnection(t2);
        assertThat(hub.connectionsOf("bob")).isZero();
        assertThat(hub.peerCount()).isZero();
    }

    @Test
    void emptiedChannelIsDroppedAndCanBeJoinedAgain() {
        RecordingSubscriber a = new RecordingSubscriber("a");
        join(a, "c", false);
        unsubscribe(a, "c");
        assertThat(members("c")).isEmpty();
        assertThat(hub.channelCount()).isZero();
        assertThat(hub.hasSubscribers("c")).isFalse();
        unsubscribe(a, "c"); // not on it any more: nothing happens
        assertThat(a.channels().size()).isZero();
        join(a, "c", false);
        assertThat(members("c")).extracting(PresenceEntry::peerId).containsExactly("a");
    }

    @Test
    void theFanOutFollowsEverySubscribeAndUnsubscribeBetweenMessages() {
        RecordingSubscriber a = new RecordingSubscriber("a");
        RecordingSubscriber b = new RecordingSubscriber("b");
        join(a, "news", false);
        assertThat(hub.publishLocal("news", "x", RawJson.of("1"), null, -1)).isEqualTo(1);
        join(b, "news", false); // after the channel's recipients were gathered for a message
        assertThat(hub.publishLocal("news", "x", RawJson.of("2"), null, -1)).isEqualTo(2);
        unsubscribe(a, "news");
        assertThat(hub.publishLocal("news", "x", RawJson.of("3"), null, -1)).isEqualTo(1);
        assertThat(a.texts()).filteredOn(t -> t.contains("\"message\"")).hasSize(2);
        assertThat(b.texts()).filteredOn(t -> t.contains("\"message\"")).hasSize(2);
    }
}

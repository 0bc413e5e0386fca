package ca.metered.realtime.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.connection.CoreFixture;
import ca.metered.realtime.server.connection.CoreFixture.Client;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Subscribe, unsubscribe, presence and release through the core (docs/protocol.md 2.3, 2.4). */
class MembershipsTest {
    private final CoreFixture core = new CoreFixture();

    private static <T> Outcome<T> await(CompletionStage<Outcome<T>> stage) {
        return stage.toCompletableFuture().join();
    }

    /** Subscribes; returns the snapshot handed to {@code onJoined}, or null when refused. */
    private List<PresenceEntry> subscribe(Client c, String channel) {
        List<PresenceEntry> snapshot = new ArrayList<>();
        boolean[] joined = {false};
        Outcome<Void> o = await(core.memberships.subscribe(c.connection(), channel, false, s -> {
            joined[0] = true;
            snapshot.addAll(s);
        }));
        assertThat(joined[0]).isEqualTo(o instanceof Outcome.Done);
        return joined[0] ? snapshot : null;
    }

    private static ErrorCode refusal(Outcome<?> o) {
        assertThat(o).isInstanceOf(Outcome.Refused.class);
        return ((Outcome.Refused<?>) o).refusal().code();
    }

    private void unsubscribe(Client c, String channel) {
        core.memberships.unsubscribe(c.connection(), channel).toCompletableFuture().join();
    }

    @Test
    void aSubscriberGetsTheOthersInItsSnapshotAndTheOthersGetItsJoinOnce() {
        Client alice = core.connect("alice");
        assertThat(subscribe(alice, "room")).isEmpty();
        Client bob = core.connect("bob");
        assertThat(subscribe(bob, "room")).extracting(PresenceEntry::peerId).containsExactly("alice");
        assertThat(alice.frames()).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[{\"peerId\":\"bob\"}],\"left\":[]}");
        Client bobAgain = core.connect("bob"); // a second tab: not announced again
        subscribe(bobAgain, "room");
        assertThat(alice.frames()).isEmpty();
        unsubscribe(bob, "room");
        assertThat(alice.frames()).isEmpty();
        unsubscribe(bobAgain, "room");
        assertThat(alice.frames()).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[],\"left\":[{\"peerId\":\"bob\"}]}");
        assertThat(core.events.events).containsSubsequence("subscribed bob room", "unsubscribed bob room");
    }

    @Test
    void subscribingIsAuthorizedAndBoundedByTheChannelLimitReadAsItIsNow() {
        core.limits(new Limits(65536, 2, 100, 200, 10000, 0, Limits.DEFAULT_MAX_TOKEN_LIFETIME));
        Client c = core.connect(core.grant("c", EnumSet.of(Action.SUBSCRIBE), "room-*", "devices/**"));
        assertThat(subscribe(c, "room-1")).isEmpty();
        assertThat(subscribe(c, "room-1")).as("a repeated subscribe is not a new one").isEmpty();
        assertThat(subscribe(c, "devices/*/events")).isEmpty();
        assertThat(refusal(await(core.memberships.subscribe(c.connection(), "room-2", false, s -> { }))))
                .isEqualTo(ErrorCode.CHANNEL_LIMIT_EXCEEDED);
        assertThat(refusal(await(core.memberships.subscribe(c.connection(), "other", false, s -> { }))))
                .isEqualTo(ErrorCode.CHANNEL_NOT_AUTHORIZED);
        assertThat(refusal(await(core.memberships.subscribe(c.connection(), "**", false, s -> { }))))
                .isEqualTo(ErrorCode.CHANNEL_NOT_AUTHORIZED);
        assertThat(refusal(await(core.memberships.subscribe(c.connection(), "_system/x", false, s -> { }))))
                .isEqualTo(ErrorCode.CHANNEL_RESERVED);
        core.limits(new Limits(65536, 3, 100, 200, 10000, 0, Limits.DEFAULT_MAX_TOKEN_LIFETIME));
        assertThat(subscribe(c, "room-2")).isEmpty();
        assertThat(c.connection().channels().size()).isEqualTo(3);
    }

    @Test
    void aWildcardSubscriptionReceivesEveryMatchingChannelUntilItIsUnsubscribed() {
        Client watcher = core.connect("watcher");
        Client pub = core.connect("pub");
        assertThat(subscribe(watcher, "devices/*/events")).isEmpty();
        core.messages.publish(pub.connection().sender(), "devices/d1/events", RawJson.of("1"));
        core.messages.publish(pub.connection().sender(), "devices/d1/other", RawJson.of("2"));
        assertThat(watcher.frames()).containsExactly(
                "{\"type\":\"message\",\"channel\":\"devices/d1/events\",\"from\":\"pub\",\"data\":1}");
        unsubscribe(watcher, "devices/*/events");
        core.messages.publish(pub.connection().sender(), "devices/d1/events", RawJson.of("3"));
        assertThat(watcher.frames()).isEmpty();
        assertThat(core.hub.app(CoreFixture.APP).wildcardCount()).isZero();
    }

    @Test
    void releasingAConnectionTakesItOffEveryChannelAndPatternAndLeavesNoState() {
        Client stays = core.connect("stays");
        subscribe(stays, "a");
        stays.frames();
        Client gone = core.connect("gone");
        subscribe(gone, "a");
        subscribe(gone, "b");
        subscribe(gone, "c/**");
        assertThat(stays.frames()).hasSize(1); // gone joined a

        core.connections.release(gone.connection());
        core.connections.release(gone.connection()); // once only

        assertThat(stays.frames()).containsExactly(
                "{\"type\":\"presence\",\"channel\":\"a\",\"joined\":[],\"left\":[{\"peerId\":\"gone\"}]}");
        assertThat(gone.connection().channels().size()).isZero();
        assertThat(core.hub.app(CoreFixture.APP).channelCount()).isEqualTo(1); // "a", for stays
        assertThat(core.hub.app(CoreFixture.APP).wildcardCount()).isZero();
        assertThat(core.hub.app(CoreFixture.APP).peerCount()).isEqualTo(1);
        assertThat(core.cluster.presenceChannelCount()).isEqualTo(1);
        assertThat(core.events.events).endsWith("closed gone");
    }

    @Test
    void theMembersOfAChannelAreReadWithThePresenceAction() {
        Client alice = core.connect("alice");
        subscribe(alice, "room");
        Outcome<List<PresenceEntry>> members = await(core.memberships.members(
                core.grant("reader", EnumSet.of(Action.PRESENCE)).permissions(), CoreFixture.APP, "room"));
        assertThat(members).isEqualTo(Outcome.done(List.of(new PresenceEntry("alice", null))));
        assertThat(refusal(await(core.memberships.members(core.grant("x", EnumSet.of(Action.SUBSCRIBE)).permissions(),
                CoreFixture.APP, "room")))).isEqualTo(ErrorCode.ACTION_NOT_PERMITTED);
    }
}

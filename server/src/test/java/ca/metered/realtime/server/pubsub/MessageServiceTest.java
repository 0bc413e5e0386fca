package ca.metered.realtime.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.auth.Authorizer;
import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.server.cluster.Tracking;
import ca.metered.realtime.server.history.Appended;
import ca.metered.realtime.server.cluster.UsageStore;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.connection.CoreFixture;
import ca.metered.realtime.server.connection.CoreFixture.Client;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Publish and send through the core, on the in-memory backplane (docs/protocol.md 2.1, 2.5, 3, 5). */
class MessageServiceTest {
    private final CoreFixture core = new CoreFixture();

    private static <T> Outcome<T> await(CompletionStage<Outcome<T>> stage) {
        return stage.toCompletableFuture().join();
    }

    private void subscribe(Client c, String channel) {
        Outcome<Void> o = await(core.memberships.subscribe(c.connection(), channel, false, snapshot -> { }));
        assertThat(o).isInstanceOf(Outcome.Done.class);
        c.frames();
    }

    private static ErrorCode refusal(Outcome<?> o) {
        assertThat(o).isInstanceOf(Outcome.Refused.class);
        return ((Outcome.Refused<?>) o).refusal().code();
    }

    @Test
    void aPublishReachesEverySubscriberButThePublisherAndIsDoneWithTheReceiverCount() {
        Client pub = core.connect("pub");
        Client a = core.connect("a");
        Client b = core.connect("b");
        subscribe(pub, "room");
        subscribe(a, "room");
        subscribe(b, "room");
        pub.frames();
        a.frames();

        Outcome<Published> o = await(core.messages.publish(pub.connection().sender(), "room", RawJson.of("{\"n\":1}")));

        assertThat(o).isEqualTo(Outcome.done(new Published(2, null, false)));
        String expected = "{\"type\":\"message\",\"channel\":\"room\",\"from\":\"pub\",\"data\":{\"n\":1}}";
        assertThat(a.frames()).containsExactly(expected);
        assertThat(b.frames()).containsExactly(expected);
        assertThat(pub.frames()).isEmpty();
    }

    @Test
    void aPublishTheCredentialDoesNotAllowIsRefusedAndReachesNobody() {
        Client sub = core.connect("sub");
        subscribe(sub, "room-x");
        Client narrow = core.connect(core.grant("narrow", EnumSet.of(Action.PUBLISH), "room-*"));
        assertThat(refusal(await(core.messages.publish(narrow.connection().sender(), "_metered/x", RawJson.of("1")))))
                .isEqualTo(ErrorCode.CHANNEL_RESERVED);
        assertThat(refusal(await(core.messages.publish(narrow.connection().sender(), "room-*", RawJson.of("1")))))
                .isEqualTo(ErrorCode.INVALID_CHANNEL);
        assertThat(refusal(await(core.messages.publish(narrow.connection().sender(), "other", RawJson.of("1")))))
                .isEqualTo(ErrorCode.CHANNEL_NOT_AUTHORIZED);
        Client readOnly = core.connect(core.grant("ro", EnumSet.of(Action.SUBSCRIBE)));
        assertThat(refusal(await(core.messages.publish(readOnly.connection().sender(), "room-x", RawJson.of("1")))))
                .isEqualTo(ErrorCode.ACTION_NOT_PERMITTED);
        assertThat(sub.frames()).isEmpty();
        assertThat(core.backplane.usage().usage(CoreFixture.APP).toCompletableFuture().join().messagesUsed())
                .as("refused before the quota counts").isZero();
    }

    @Test
    void aSendReachesEveryConnectionOfThePeerOrIsRefusedWhenItIsNotOnline() {
        Client from = core.connect("from");
        Client tab1 = core.connect("bob");
        Client tab2 = core.connect("bob");

        assertThat(await(core.messages.send(from.connection().sender(), "bob", RawJson.of("\"hi\""))))
                .isEqualTo(Outcome.done(null));
        String expected = "{\"type\":\"direct\",\"from\":\"from\",\"data\":\"hi\"}";
        assertThat(tab1.frames()).containsExactly(expected);
        assertThat(tab2.frames()).containsExactly(expected);
        assertThat(refusal(await(core.messages.send(from.connection().sender(), "nobody", RawJson.of("1")))))
                .isEqualTo(ErrorCode.PEER_NOT_FOUND);
        Client noSend = core.connect(core.grant("quiet", EnumSet.of(Action.SUBSCRIBE)));
        assertThat(refusal(await(core.messages.send(noSend.connection().sender(), "bob", RawJson.of("1")))))
                .isEqualTo(ErrorCode.ACTION_NOT_PERMITTED);
    }

    @Test
    void theQuotaCountsEveryAttemptAndIsReadFromTheConfigurationAsItIsNow() {
        core.limits(new Limits(65536, 100, 100, 200, 10000, 2, Limits.DEFAULT_MAX_TOKEN_LIFETIME));
        Client pub = core.connect("pub");
        Client peer = core.connect("peer");
        assertThat(await(core.messages.publish(pub.connection().sender(), "q", RawJson.of("1"))))
                .isInstanceOf(Outcome.Done.class);
        assertThat(await(core.messages.send(pub.connection().sender(), "peer", RawJson.of("2"))))
                .isInstanceOf(Outcome.Done.class);
        assertThat(refusal(await(core.messages.publish(pub.connection().sender(), "q", RawJson.of("3")))))
                .isEqualTo(ErrorCode.OVER_MESSAGE_QUOTA);
        assertThat(refusal(await(core.messages.send(pub.connection().sender(), "peer", RawJson.of("4")))))
                .isEqualTo(ErrorCode.OVER_MESSAGE_QUOTA);
        assertThat(peer.frames()).hasSize(1);
        // a larger quota applies at once, to the same connections
        core.limits(new Limits(65536, 100, 100, 200, 10000, 10, Limits.DEFAULT_MAX_TOKEN_LIFETIME));
        assertThat(await(core.messages.publish(pub.connection().sender(), "q", RawJson.of("5"))))
                .isInstanceOf(Outcome.Done.class);
        assertThat(core.backplane.usage().usage(CoreFixture.APP).toCompletableFuture().join().messagesUsed())
                .isEqualTo(5);
    }

    @Test
    void anUnreachableQuotaCounterDoesNotStopTrafficAndAnUnreachableBrokerAnswersBackendError() {
        Client pub = core.connect("pub");
        UsageStore down = new UsageStore() {
            @Override
            public CompletionStage<Boolean> tryOpenConnection(String appId, String peerId, int max) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }

            @Override
            public CompletionStage<Void> closeConnection(String appId, String peerId) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }

            @Override
            public CompletionStage<Boolean> countMessage(String appId, long max) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }

            @Override
            public CompletionStage<Usage> usage(String appId) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }

            @Override
            public CompletionStage<Long> connectionsOf(String appId, String peerId) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }
        };
        List<Publication> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        Broker failing = new Broker() {
            @Override
            public CompletionStage<Integer> publish(Publication p) {
                published.add(p);
                return CompletableFuture.failedFuture(new IllegalStateException("redis down"));
            }

            @Override
            public CompletionStage<Appended> publish(Publication p, Tracking t) {
                published.add(p);
                return CompletableFuture.failedFuture(new IllegalStateException("redis down"));
            }

            @Override
            public CompletionStage<Boolean> direct(DirectMessage message) {
                return CompletableFuture.failedFuture(new IllegalStateException("redis down"));
            }

            @Override
            public CompletionStage<Void> watchChannel(String appId, String channel) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void unwatchChannel(String appId, String channel) {
            }

            @Override
            public CompletionStage<Void> watchPeer(String appId, String peerId) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void unwatchPeer(String appId, String peerId) {
            }

            @Override
            public CompletionStage<Void> watchAllChannels(String appId) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void unwatchAllChannels(String appId) {
            }
        };
        MessageService fallible = new MessageService("n1", new Authorizer(), core.config, failing, down,
                core.metrics, core.metrics.backplane(false));
        assertThat(refusal(await(fallible.publish(pub.connection().sender(), "room", RawJson.of("1")))))
                .isEqualTo(ErrorCode.BACKEND_ERROR);
        assertThat(published).as("the quota counter failing let the publish through").hasSize(1);
        assertThat(refusal(await(fallible.send(pub.connection().sender(), "x", RawJson.of("1")))))
                .isEqualTo(ErrorCode.BACKEND_ERROR);
    }
}

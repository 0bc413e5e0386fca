package ca.metered.realtime.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.config.HistoryConfig;
import ca.metered.realtime.server.connection.CoreFixture;
import ca.metered.realtime.server.connection.CoreFixture.Client;
import ca.metered.realtime.server.history.HistoryEntry;
import ca.metered.realtime.server.history.HistoryRead;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * History through the core (docs/protocol.md 9): positions on messages of channels that keep
 * history (and none elsewhere), a subscribe that recovers what a client missed, exactly and in
 * order, or says it cannot, the history read, and idempotent publish.
 */
class HistoryFlowTest {
    private final CoreFixture core = new CoreFixture();

    HistoryFlowTest() {
        core.history(new HistoryConfig(List.of(ChannelPattern.compile("feed/*")), 3, Duration.ofMinutes(10)));
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static <T> T done(Outcome<T> o) {
        assertThat(o).isInstanceOf(Outcome.Done.class);
        return ((Outcome.Done<T>) o).value();
    }

    private static ErrorCode refusal(Outcome<?> o) {
        assertThat(o).isInstanceOf(Outcome.Refused.class);
        return ((Outcome.Refused<?>) o).refusal().code();
    }

    /** Subscribes; returns what the ack would say, or null when refused. */
    private Joined subscribe(Client c, String channel, StreamPosition recover) {
        List<Joined> joined = new ArrayList<>();
        Outcome<Void> o = await(core.memberships.subscribe(c.connection(), channel, false, recover, joined::add));
        assertThat(joined).hasSize(o instanceof Outcome.Done ? 1 : 0);
        return joined.isEmpty() ? null : joined.get(0);
    }

    private Published publish(Client c, String channel, String data, String key) {
        return done(await(core.messages.publish(c.connection().sender(), channel, RawJson.of(data), key)));
    }

    private static String message(String channel, String data, long offset, String epoch) {
        return "{\"type\":\"message\",\"channel\":\"" + channel + "\",\"from\":\"pub\",\"data\":" + data
                + ",\"offset\":" + offset + ",\"epoch\":\"" + epoch + "\"}";
    }

    @Test
    void aChannelWithoutHistoryKeepsTheHostedServicesFramesAndPublishResult() {
        Client pub = core.connect("pub");
        Client sub = core.connect("sub");
        Joined j = subscribe(sub, "room", null);
        assertThat(j.position()).isNull();
        assertThat(j.recovered()).isNull();
        assertThat(publish(pub, "room", "1", null)).isEqualTo(new Published(1, null, false));
        assertThat(sub.frames()).containsExactly("{\"type\":\"message\",\"channel\":\"room\",\"from\":\"pub\",\"data\":1}");
    }

    @Test
    void messagesOfAChannelWithHistoryCarryTheirPositionAndTheSubscribeAckItsStart() {
        Client pub = core.connect("pub");
        Client sub = core.connect("sub");
        Published first = publish(pub, "feed/a", "1", null);
        assertThat(first.position().offset()).isEqualTo(1);
        String epoch = first.position().epoch();
        Joined j = subscribe(sub, "feed/a", null);
        assertThat(j.position()).isEqualTo(new StreamPosition(epoch, 1));
        assertThat(j.recovered()).as("not asked").isNull();
        assertThat(publish(pub, "feed/a", "2", null).position()).isEqualTo(new StreamPosition(epoch, 2));
        assertThat(sub.frames()).containsExactly(message("feed/a", "2", 2, epoch));
    }

    @Test
    void aSubscribeWithRecoverGetsWhatItMissedOnceAndInOrderBeforeLiveMessages() {
        Client pub = core.connect("pub");
        Client sub = core.connect("sub");
        subscribe(sub, "feed/a", null);
        String epoch = publish(pub, "feed/a", "1", null).position().epoch();
        assertThat(sub.frames()).hasSize(1);
        core.connections.release(sub.connection()); // the client drops
        publish(pub, "feed/a", "2", null);
        publish(pub, "feed/a", "3", null);

        Client back = core.connect("sub");
        Joined j = subscribe(back, "feed/a", new StreamPosition(epoch, 1));
        assertThat(j.recovered()).isTrue();
        assertThat(j.position()).isEqualTo(new StreamPosition(epoch, 3));
        publish(pub, "feed/a", "4", null);
        assertThat(back.frames()).containsExactly(message("feed/a", "2", 2, epoch), message("feed/a", "3", 3, epoch),
                message("feed/a", "4", 4, epoch));
    }

    @Test
    void aPositionTooOldOrOfAnotherEpochIsNotRecoveredAndNothingIsReplayed() {
        Client pub = core.connect("pub");
        String epoch = publish(pub, "feed/a", "1", null).position().epoch();
        for (int i = 2; i <= 5; i++) {
            publish(pub, "feed/a", Integer.toString(i), null);
        }
        Client sub = core.connect("sub");
        Joined old = subscribe(sub, "feed/a", new StreamPosition(epoch, 1)); // 2 is gone: size 3 keeps 3..5
        assertThat(old.recovered()).isFalse();
        assertThat(old.position()).isEqualTo(new StreamPosition(epoch, 5));
        assertThat(sub.frames()).isEmpty();
        Joined other = subscribe(sub, "feed/a", new StreamPosition("another", 5));
        assertThat(other.recovered()).isFalse();
        Joined fits = subscribe(sub, "feed/a", new StreamPosition(epoch, 2));
        assertThat(fits.recovered()).isTrue();
        assertThat(sub.frames()).hasSize(3);
    }

    @Test
    void aClientWithNoPositionYetStartsFollowingWithNothingToRecover() {
        Client pub = core.connect("pub");
        publish(pub, "feed/a", "1", null);
        Client sub = core.connect("sub");
        Joined j = subscribe(sub, "feed/a", StreamPosition.START);
        assertThat(j.recovered()).isTrue();
        assertThat(j.position().offset()).isEqualTo(1);
        assertThat(sub.frames()).as("nothing replayed").isEmpty();
        Joined none = subscribe(sub, "room", StreamPosition.START);
        assertThat(none.recovered()).as("no history: nothing to follow").isFalse();
        assertThat(none.position()).isNull();
    }

    @Test
    void aRecoverOnAChannelWithoutHistoryIsAnsweredNotRecoveredAndOnAPatternIsRefused() {
        Client sub = core.connect("sub");
        Joined j = subscribe(sub, "room", new StreamPosition("e", 3));
        assertThat(j.recovered()).isFalse();
        assertThat(j.position()).isNull();
        assertThat(refusal(await(core.memberships.subscribe(sub.connection(), "feed/*", false,
                new StreamPosition("e", 3), x -> { })))).isEqualTo(ErrorCode.INVALID_CHANNEL);
    }

    @Test
    void historyAnswersTheNewestOrWhatFollowsAPositionWithinTheGrantAndTheRetention() {
        Client pub = core.connect("pub");
        String epoch = publish(pub, "feed/a", "1", null).position().epoch();
        publish(pub, "feed/a", "2", null);
        publish(pub, "feed/a", "3", null);
        var all = core.grant("reader", EnumSet.of(Action.SUBSCRIBE)).permissions();
        HistoryRead.Page newest = done(await(core.history.read(all, CoreFixture.APP, "feed/a", 2, null, 1 << 20)));
        assertThat(newest.entries()).extracting(HistoryEntry::offset).containsExactly(2L, 3L);
        assertThat(newest.position()).isEqualTo(new StreamPosition(epoch, 3));
        HistoryRead.Page since = done(await(core.history.read(all, CoreFixture.APP, "feed/a", null,
                new StreamPosition(epoch, 1), 1 << 20)));
        assertThat(since.entries()).extracting(e -> e.data().json()).containsExactly("2", "3");
        assertThat(done(await(core.history.read(all, CoreFixture.APP, "feed/a", 1000, null, 1 << 20))).entries())
                .as("never more than the channel keeps").hasSize(3);
        assertThat(refusal(await(core.history.read(all, CoreFixture.APP, "room", 5, null, 1 << 20))))
                .isEqualTo(ErrorCode.HISTORY_NOT_ENABLED);
        assertThat(refusal(await(core.history.read(all, CoreFixture.APP, "feed/a", 5, new StreamPosition("x", 1), 1 << 20))))
                .isEqualTo(ErrorCode.UNRECOVERABLE_POSITION);
        assertThat(refusal(await(core.history.read(all, CoreFixture.APP, "feed/*", 5, null, 1 << 20))))
                .isEqualTo(ErrorCode.INVALID_CHANNEL);
        var narrow = core.grant("n", EnumSet.of(Action.SUBSCRIBE), "other/*").permissions();
        assertThat(refusal(await(core.history.read(narrow, CoreFixture.APP, "feed/a", 5, null, 1 << 20))))
                .isEqualTo(ErrorCode.CHANNEL_NOT_AUTHORIZED);
        var noSubscribe = core.grant("p", EnumSet.of(Action.PUBLISH)).permissions();
        assertThat(refusal(await(core.history.read(noSubscribe, CoreFixture.APP, "feed/a", 5, null, 1 << 20))))
                .isEqualTo(ErrorCode.ACTION_NOT_PERMITTED);
    }

    @Test
    void aRepeatedIdempotencyKeyIsAnsweredWithTheFirstResultAndDeliveredOnce() {
        Client pub = core.connect("pub");
        Client sub = core.connect("sub");
        subscribe(sub, "feed/a", null);
        subscribe(sub, "room", null);
        Published first = publish(pub, "feed/a", "1", "k");
        Published again = publish(pub, "feed/a", "1", "k");
        assertThat(again).isEqualTo(new Published(first.receivers(), first.position(), true));
        Published plain = publish(pub, "room", "1", "k");
        assertThat(plain.repeated()).as("keys are per channel").isFalse();
        assertThat(publish(pub, "room", "1", "k").repeated()).isTrue();
        assertThat(sub.frames()).hasSize(2);
        core.time.advance(Duration.ofMinutes(5));
        assertThat(publish(pub, "room", "1", "k").repeated()).as("after the window").isFalse();
    }
}

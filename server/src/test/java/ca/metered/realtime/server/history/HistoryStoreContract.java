package ca.metered.realtime.server.history;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every history store must do (docs/protocol.md 9), run against memory ({@link InMemoryHistoryTest})
 * and Redis ({@code RedisHistoryIT}). Publishing goes through each store's own {@code publish}; the
 * fixture records what its fan-out delivered, in delivery order.
 */
public abstract class HistoryStoreContract {
    protected static final Retention TEN = new Retention(10, Duration.ofMinutes(10));
    protected static final Duration WINDOW = Duration.ofMinutes(5);
    private static final long NO_BUDGET = Long.MAX_VALUE;

    /** The store of "node 1". */
    protected abstract HistoryStore store();

    /** A store of "node 2": another node of the same cluster (the same one in memory). */
    protected abstract HistoryStore otherNode();

    /** Publishes through node 1 ({@code node2}: node 2); {@code retention} null: no history. */
    protected abstract Appended publish(boolean node2, String channel, Retention retention, NewMessage m,
                                        String idempotencyKey, Duration window);

    /** Positions the fan-out delivered on a channel so far, in the order it delivered them (null: no position). */
    protected abstract List<StreamPosition> delivered(String channel, int atLeast);

    /** Every history is lost: a restart of the in-memory node, a flushed Redis. */
    protected abstract void loseEverything();

    /** Lets {@code d} pass on the store's clock. */
    protected abstract void elapse(Duration d);

    protected Appended publish(String channel, Retention r, String text) {
        return publish(false, channel, r, message(text), null, WINDOW);
    }

    protected static NewMessage message(String text) {
        return new NewMessage("alice", RawJson.of("\"" + text + "\""), null);
    }

    protected HistoryRead read(String channel, Retention r, StreamPosition since, int limit, long maxBytes) {
        return store().read("app", channel, r, new HistoryQuery(since, limit, maxBytes)).toCompletableFuture().join();
    }

    private static List<String> texts(HistoryRead read) {
        assertThat(read).isInstanceOf(HistoryRead.Page.class);
        List<String> out = new ArrayList<>();
        for (HistoryEntry e : ((HistoryRead.Page) read).entries()) {
            out.add(e.data().json().replace("\"", ""));
        }
        return out;
    }

    private static List<Long> offsets(HistoryRead read) {
        List<Long> out = new ArrayList<>();
        for (HistoryEntry e : ((HistoryRead.Page) read).entries()) {
            out.add(e.offset());
        }
        return out;
    }

    @Test
    void aChannelWithoutHistoryStartsAnEpochAtZeroOnItsFirstRead() {
        StreamPosition p = store().position("app", "room", TEN).toCompletableFuture().join();
        assertThat(p.offset()).isZero();
        assertThat(p.epoch()).isNotEmpty();
        assertThat(store().position("app", "room", TEN).toCompletableFuture().join()).isEqualTo(p);
        assertThat(otherNode().position("app", "room", TEN).toCompletableFuture().join()).isEqualTo(p);
    }

    @Test
    void offsetsStartAtOneAndGrowByOnePerMessageOnEveryNode() {
        Appended a = publish("room", TEN, "a");
        Appended b = publish(true, "room", TEN, message("b"), null, WINDOW);
        Appended c = publish("room", TEN, "c");
        assertThat(a.position().offset()).isEqualTo(1);
        assertThat(b.position()).isEqualTo(new StreamPosition(a.position().epoch(), 2));
        assertThat(c.position()).isEqualTo(new StreamPosition(a.position().epoch(), 3));
        assertThat(List.of(a.repeated(), b.repeated(), c.repeated())).containsOnly(false);
        assertThat(otherNode().position("app", "room", TEN).toCompletableFuture().join()).isEqualTo(c.position());
        assertThat(delivered("room", 3)).containsExactly(a.position(), b.position(), c.position());
    }

    @Test
    void channelsAndAppsHaveTheirOwnPositions() {
        publish("room", TEN, "a");
        publish("room", TEN, "b");
        Appended other = publish("other", TEN, "x");
        assertThat(other.position().offset()).isEqualTo(1);
        assertThat(store().position("app2", "room", TEN).toCompletableFuture().join().offset()).isZero();
    }

    @Test
    void aChannelWithoutHistoryHasNoPositionAndKeepsNothing() {
        Appended a = publish("plain", null, "a");
        assertThat(a.position()).isNull();
        assertThat(a.repeated()).isFalse();
        assertThat(delivered("plain", 1)).containsExactly((StreamPosition) null);
    }

    @Test
    void recoveryAnswersEveryMissedMessageInOrderAndReachesTheTop() {
        StreamPosition start = store().position("app", "room", TEN).toCompletableFuture().join();
        for (String t : List.of("a", "b", "c", "d")) {
            publish("room", TEN, t);
        }
        HistoryRead r = read("room", TEN, new StreamPosition(start.epoch(), 1), TEN.size(), NO_BUDGET);
        assertThat(texts(r)).containsExactly("b", "c", "d");
        assertThat(offsets(r)).containsExactly(2L, 3L, 4L);
        assertThat(r.recovered()).isTrue();
        assertThat(r.position()).isEqualTo(new StreamPosition(start.epoch(), 4));
        HistoryRead none = read("room", TEN, new StreamPosition(start.epoch(), 4), TEN.size(), NO_BUDGET);
        assertThat(texts(none)).isEmpty();
        assertThat(none.recovered()).isTrue();
        HistoryRead all = read("room", TEN, start, TEN.size(), NO_BUDGET);
        assertThat(texts(all)).containsExactly("a", "b", "c", "d");
        assertThat(all.recovered()).isTrue();
    }

    @Test
    void entriesKeepSenderDataAndMetadataVerbatim() {
        RawJson meta = RawJson.of("{\"name\":\"Ann\\n\",\"x\":[1, 2]}");
        RawJson data = RawJson.of("{\"z\": 1, \"a\":\"é\\u00e9\\n\"}");
        publish(false, "room", TEN, new NewMessage("p-1", data, meta), null, WINDOW);
        publish(false, "room", TEN, new NewMessage("p\\2", RawJson.of("-1.50"), null), null, WINDOW);
        HistoryRead r = read("room", TEN, null, 10, NO_BUDGET);
        List<HistoryEntry> e = ((HistoryRead.Page) r).entries();
        assertThat(e.get(0).from()).isEqualTo("p-1");
        assertThat(e.get(0).data()).isEqualTo(data);
        assertThat(e.get(0).fromMetadata()).isEqualTo(meta);
        assertThat(e.get(1).from()).isEqualTo("p\\2");
        assertThat(e.get(1).data()).isEqualTo(RawJson.of("-1.50"));
        assertThat(e.get(1).fromMetadata()).isNull();
        assertThat(e.get(0).publishedAt()).isPositive().isLessThanOrEqualTo(e.get(1).publishedAt());
    }

    @Test
    void anotherEpochIsNeverRecovered() {
        publish("room", TEN, "a");
        HistoryRead r = read("room", TEN, new StreamPosition("not-this-one", 0), TEN.size(), NO_BUDGET);
        assertThat(r).isEqualTo(new HistoryRead.Unavailable(r.position(), HistoryRead.Reason.EPOCH_CHANGED));
        assertThat(r.recovered()).isFalse();
    }

    @Test
    void aPositionAheadOfTheChannelIsNeverRecovered() {
        Appended a = publish("room", TEN, "a");
        HistoryRead r = read("room", TEN, new StreamPosition(a.position().epoch(), 2), TEN.size(), NO_BUDGET);
        assertThat(r).isEqualTo(new HistoryRead.Unavailable(a.position(), HistoryRead.Reason.AHEAD));
    }

    @Test
    void onlyTheLastSizeMessagesAreKeptAndOlderPositionsAreTooOld() {
        Retention three = new Retention(3, Duration.ofMinutes(10));
        StreamPosition start = store().position("app", "room", three).toCompletableFuture().join();
        for (String t : List.of("a", "b", "c", "d", "e")) {
            publish("room", three, t);
        }
        assertThat(texts(read("room", three, null, 10, NO_BUDGET))).containsExactly("c", "d", "e");
        HistoryRead tooOld = read("room", three, new StreamPosition(start.epoch(), 1), 10, NO_BUDGET);
        assertThat(tooOld).isEqualTo(new HistoryRead.Unavailable(new StreamPosition(start.epoch(), 5),
                HistoryRead.Reason.TOO_OLD));
        assertThat(read("room", three, start, 10, NO_BUDGET).recovered()).isFalse();
        HistoryRead justKept = read("room", three, new StreamPosition(start.epoch(), 2), 10, NO_BUDGET);
        assertThat(texts(justKept)).containsExactly("c", "d", "e");
        assertThat(justKept.recovered()).isTrue();
    }

    @Test
    void messagesOlderThanTheTtlAreNotAnsweredButThePositionStays() {
        Retention short1 = new Retention(10, Duration.ofSeconds(1));
        Appended a = publish("room", short1, "a");
        elapse(Duration.ofMillis(600));
        Appended b = publish("room", short1, "b"); // keeps the channel alive, not "a"
        elapse(Duration.ofMillis(600));
        assertThat(b.position()).isEqualTo(new StreamPosition(a.position().epoch(), 2));
        assertThat(texts(read("room", short1, null, 10, NO_BUDGET))).containsExactly("b");
        assertThat(read("room", short1, new StreamPosition(a.position().epoch(), 0), 10, NO_BUDGET))
                .isEqualTo(new HistoryRead.Unavailable(b.position(), HistoryRead.Reason.TOO_OLD));
        assertThat(texts(read("room", short1, a.position(), 10, NO_BUDGET))).containsExactly("b");
    }

    @Test
    void aChannelIdleForItsTtlStartsANewEpoch() {
        Retention short1 = new Retention(10, Duration.ofSeconds(1));
        Appended a = publish("room", short1, "a");
        elapse(Duration.ofMillis(1200));
        StreamPosition now = store().position("app", "room", short1).toCompletableFuture().join();
        assertThat(now.epoch()).isNotEqualTo(a.position().epoch());
        assertThat(now.offset()).isZero();
        assertThat(read("room", short1, a.position(), 10, NO_BUDGET))
                .isEqualTo(new HistoryRead.Unavailable(now, HistoryRead.Reason.EPOCH_CHANGED));
        Appended b = publish("room", short1, "b");
        assertThat(b.position()).isEqualTo(new StreamPosition(now.epoch(), 1));
    }

    @Test
    void readingKeepsAQuietChannelsPosition() {
        Retention short1 = new Retention(10, Duration.ofSeconds(1));
        Appended a = publish("room", short1, "a");
        for (int i = 0; i < 4; i++) {
            elapse(Duration.ofMillis(400));
            assertThat(read("room", short1, a.position(), 10, NO_BUDGET).recovered()).isTrue();
        }
        assertThat(store().position("app", "room", short1).toCompletableFuture().join()).isEqualTo(a.position());
    }

    @Test
    void losingTheStoreChangesTheEpochAndNothingOldIsRecovered() {
        Appended a = publish("room", TEN, "a");
        publish("room", TEN, "b");
        loseEverything();
        StreamPosition now = store().position("app", "room", TEN).toCompletableFuture().join();
        assertThat(now.epoch()).isNotEqualTo(a.position().epoch());
        assertThat(now.offset()).isZero();
        assertThat(read("room", TEN, a.position(), 10, NO_BUDGET).recovered()).isFalse();
    }

    @Test
    void theNewestLimitMessagesComeOldestFirst() {
        for (String t : List.of("a", "b", "c", "d", "e")) {
            publish("room", TEN, t);
        }
        HistoryRead r = read("room", TEN, null, 2, NO_BUDGET);
        assertThat(texts(r)).containsExactly("d", "e");
        assertThat(r.position().offset()).isEqualTo(5);
        assertThat(texts(read("room", TEN, null, 0, NO_BUDGET))).isEmpty();
    }

    @Test
    void aPageAfterAPositionIsTheOldestLimitAndSaysWhetherItReachesTheTop() {
        StreamPosition start = store().position("app", "room", TEN).toCompletableFuture().join();
        for (String t : List.of("a", "b", "c", "d", "e")) {
            publish("room", TEN, t);
        }
        HistoryRead first = read("room", TEN, start, 2, NO_BUDGET);
        assertThat(texts(first)).containsExactly("a", "b");
        assertThat(((HistoryRead.Page) first).reachesTop()).isFalse();
        assertThat(first.recovered()).isFalse();
        HistoryRead last = read("room", TEN, new StreamPosition(start.epoch(), 3), 2, NO_BUDGET);
        assertThat(texts(last)).containsExactly("d", "e");
        assertThat(last.recovered()).isTrue();
    }

    @Test
    void aPageStopsAtTheByteBudgetButAlwaysHoldsOneMessage() {
        StreamPosition start = store().position("app", "room", TEN).toCompletableFuture().join();
        for (String t : List.of("aaaa", "bbbb", "cccc")) {
            publish("room", TEN, t);
        }
        long one = ((HistoryRead.Page) read("room", TEN, null, 1, NO_BUDGET)).entries().get(0).weight("room".length());
        HistoryRead two = read("room", TEN, start, 10, 2 * one);
        assertThat(texts(two)).containsExactly("aaaa", "bbbb");
        assertThat(two.recovered()).isFalse();
        assertThat(texts(read("room", TEN, start, 10, 1))).containsExactly("aaaa");
        assertThat(texts(read("room", TEN, null, 10, 2 * one))).containsExactly("bbbb", "cccc");
        assertThat(read("room", TEN, start, 10, 3 * one).recovered()).isTrue();
    }

    @Test
    void aRepeatedIdempotencyKeyIsAckedWithTheFirstResultAndNotDeliveredAgain() {
        Appended first = publish(false, "room", TEN, message("a"), "k1", WINDOW);
        Appended again = publish(true, "room", TEN, message("a-retry"), "k1", WINDOW);
        assertThat(again).isEqualTo(new Appended(first.position(), first.receivers(), true));
        Appended other = publish(false, "room", TEN, message("b"), "k2", WINDOW);
        assertThat(other.position().offset()).isEqualTo(2);
        assertThat(texts(read("room", TEN, null, 10, NO_BUDGET))).containsExactly("a", "b");
        assertThat(delivered("room", 2)).containsExactly(first.position(), other.position());
    }

    @Test
    void idempotencyKeysArePerChannelAndWorkWithoutHistory() {
        Appended a = publish(false, "plain", null, message("a"), "k", WINDOW);
        Appended again = publish(true, "plain", null, message("a"), "k", WINDOW);
        assertThat(again.repeated()).isTrue();
        assertThat(again.position()).isNull();
        Appended elsewhere = publish(false, "plain2", null, message("a"), "k", WINDOW);
        assertThat(elsewhere.repeated()).isFalse();
        assertThat(delivered("plain", 1)).hasSize(1);
        assertThat(a.repeated()).isFalse();
    }

    @Test
    void aKeyIsForgottenAfterItsWindow() {
        Duration second = Duration.ofSeconds(1);
        Appended a = publish(false, "room", TEN, message("a"), "k", second);
        assertThat(publish(false, "room", TEN, message("a"), "k", second).repeated()).isTrue();
        elapse(Duration.ofMillis(1200));
        Appended later = publish(false, "room", TEN, message("a"), "k", second);
        assertThat(later.repeated()).isFalse();
        assertThat(later.position().offset()).isEqualTo(a.position().offset() + 1);
    }

    @Test
    void concurrentPublishersOnTwoNodesAreDeliveredInOffsetOrder() throws Exception {
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean node2 = t % 2 == 1;
                int thread = t;
                all.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perThread; i++) {
                        publish(node2, "race", new Retention(1000, Duration.ofMinutes(1)),
                                message(thread + "-" + i), null, WINDOW);
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        List<StreamPosition> got = delivered("race", 4 * perThread);
        assertThat(got).hasSize(4 * perThread);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).offset()).as("delivery %d", i).isEqualTo(i + 1);
        }
        assertThat(got.stream().map(StreamPosition::epoch).distinct()).hasSize(1);
    }
}

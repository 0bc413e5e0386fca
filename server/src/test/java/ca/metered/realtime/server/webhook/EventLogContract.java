package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.webhook.EventLog.Append;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelOccupied;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.WebhookEvent.MessagePublished;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventLog} does, run against each implementation. Subclasses give a log
 * ({@link #log(int)}: several calls are several nodes of one cluster) and a way to let time
 * pass for waiting reads.
 */
abstract class EventLogContract {
    private static final Duration NO_WAIT = Duration.ZERO;

    /** A log, as seen from node {@code node}; the same cluster for every node number. */
    protected abstract EventLog log(int node);

    /** Whether the implementation is shared by several nodes (a real cluster). */
    protected abstract boolean shared();

    protected EventLog a;

    @BeforeEach
    void configureApp() throws Exception {
        a = log(1);
        await(a.configure("app", 3, false));
    }

    @AfterEach
    void closeLogs() {
        a.close();
    }

    protected static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Map<String, List<Logged>> readAll(EventLog log, String after) throws Exception {
        return await(log.read(Map.of("app", after), 100, NO_WAIT));
    }

    @Test
    void entriesComeBackInAppendOrderWithEveryField() throws Exception {
        RawJson meta = RawJson.of("{\"name\":\"Al\\nice\",\"n\":[1,2.5]}");
        assertThat(await(a.append("app", new PeerConnected("alice", "n1-1", meta)))).isEqualTo(Append.LOGGED);
        assertThat(await(a.append("app", new MessagePublished("room/1", "server", RawJson.of("\"hi\""), null))))
                .isEqualTo(Append.LOGGED);
        assertThat(await(a.append("app", new PeerDisconnected("alice", "n1-1", 4002, "token expired"))))
                .isEqualTo(Append.LOGGED);
        List<Logged> got = readAll(a, EventLog.START).get("app");
        assertThat(got).extracting(Logged::event).containsExactly(
                new PeerConnected("alice", "n1-1", meta),
                new MessagePublished("room/1", "server", RawJson.of("\"hi\""), null),
                new PeerDisconnected("alice", "n1-1", 4002, "token expired"));
        assertThat(got).extracting(Logged::id).doesNotHaveDuplicates();
        assertThat(got).allSatisfy(e -> assertThat(e.time()).isPositive());
        assertThat(readAll(a, got.get(0).id()).get("app")).extracting(Logged::id)
                .containsExactly(got.get(1).id(), got.get(2).id());
        assertThat(readAll(a, got.get(2).id())).isEmpty();
    }

    @Test
    void aFullLogDropsAndSaysSoUntilEntriesAreDone() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(await(a.append("app", new ChannelOccupied("c" + i)))).isEqualTo(Append.LOGGED);
        }
        assertThat(await(a.append("app", new ChannelOccupied("c3")))).isEqualTo(Append.FULL);
        List<Logged> got = readAll(a, EventLog.START).get("app");
        assertThat(got).hasSize(3);
        a.done("app", List.of(got.get(0).id()));
        assertThat(await(a.append("app", new ChannelOccupied("c4")))).isEqualTo(Append.LOGGED);
        assertThat(readAll(a, EventLog.START).get("app")).extracting(e -> e.event().channel())
                .containsExactly("c1", "c2", "c4");
    }

    @Test
    void doneEntriesAreNeverReadAgainButOthersAreFromTheStart() throws Exception {
        await(a.append("app", new ChannelOccupied("x")));
        await(a.append("app", new ChannelOccupied("y")));
        List<Logged> got = readAll(a, EventLog.START).get("app");
        a.done("app", List.of(got.get(1).id()));
        assertThat(readAll(a, EventLog.START).get("app")).extracting(e -> e.event().channel()).containsExactly("x");
    }

    @Test
    void appsAreSeparateAndAnAppNotConfiguredTakesNothing() throws Exception {
        await(a.configure("other", 10, false));
        await(a.append("app", new ChannelOccupied("a1")));
        await(a.append("other", new ChannelOccupied("o1")));
        assertThat(await(a.append("nobody", new ChannelOccupied("n1")))).isEqualTo(Append.FULL);
        Map<String, List<Logged>> got = await(a.read(Map.of("app", EventLog.START, "other", EventLog.START,
                "nobody", EventLog.START), 100, NO_WAIT));
        assertThat(got.keySet()).containsExactlyInAnyOrder("app", "other");
        assertThat(got.get("other")).extracting(e -> e.event().channel()).containsExactly("o1");
    }

    @Test
    void readsAtMostMaxPerApp() throws Exception {
        await(a.configure("app", 10, false));
        for (int i = 0; i < 5; i++) {
            await(a.append("app", new ChannelOccupied("c" + i)));
        }
        assertThat(await(a.read(Map.of("app", EventLog.START), 2, NO_WAIT)).get("app")).hasSize(2);
    }

    @Test
    void aWaitingReadIsAnsweredByTheNextAppend() throws Exception {
        CompletableFuture<Map<String, List<Logged>>> waiting =
                a.read(Map.of("app", EventLog.START), 10, Duration.ofSeconds(5)).toCompletableFuture();
        assertThat(waiting).isNotDone();
        EventLog other = shared() ? log(2) : a;
        await(other.append("app", new ChannelOccupied("late")));
        assertThat(waiting.get(5, TimeUnit.SECONDS).get("app")).extracting(e -> e.event().channel())
                .containsExactly("late");
        if (other != a) {
            other.close();
        }
    }

    @Test
    void aLeaseIsHeldByOneNodeAtATimeAndHandedBack() throws Exception {
        assertThat(await(a.lead("app", Duration.ofSeconds(10)))).isTrue();
        assertThat(await(a.lead("app", Duration.ofSeconds(10)))).as("renewed").isTrue();
        if (!shared()) {
            return; // a node alone holds every lease
        }
        EventLog b = log(2);
        try {
            assertThat(await(b.lead("app", Duration.ofSeconds(10)))).isFalse();
            await(a.resign("app"));
            assertThat(await(b.lead("app", Duration.ofSeconds(10)))).isTrue();
            assertThat(await(a.lead("app", Duration.ofSeconds(10)))).isFalse();
            await(a.resign("app"));
            assertThat(await(a.lead("app", Duration.ofSeconds(10)))).as("resign by a non-holder is a no-op")
                    .isFalse();
        } finally {
            b.close();
        }
    }

    @Test
    void anEntryReadByOneNodeAndNotDoneIsReadAgainByTheNext() throws Exception {
        await(a.append("app", new ChannelOccupied("pending")));
        assertThat(readAll(a, EventLog.START).get("app")).hasSize(1);
        EventLog b = shared() ? log(2) : a;
        assertThat(await(b.read(Map.of("app", EventLog.START), 10, NO_WAIT)).get("app"))
                .extracting(e -> e.event().channel()).containsExactly("pending");
        if (b != a) {
            b.close();
        }
    }
}

package ca.metered.realtime.server.history;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The history contract in memory, on a clock moved by hand (so the ttl and window rules run
 * without waiting), plus what only the in-memory store has: its bounds and its sweep.
 */
class InMemoryHistoryTest extends HistoryStoreContract {
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private InMemoryHistory store = new InMemoryHistory(clock);
    private final Map<String, List<StreamPosition>> delivered = Collections.synchronizedMap(new HashMap<>());

    @Override
    protected HistoryStore store() {
        return store;
    }

    @Override
    protected HistoryStore otherNode() {
        return store; // the nodes of an in-memory cluster share one store
    }

    @Override
    protected Appended publish(boolean node2, String channel, Retention retention, NewMessage m, String key,
                               Duration window) {
        return store.publish("app", channel, retention, m, key, window, position -> {
            delivered.computeIfAbsent(channel, c -> Collections.synchronizedList(new ArrayList<>())).add(position);
            return 1;
        });
    }

    @Override
    protected List<StreamPosition> delivered(String channel, int atLeast) {
        List<StreamPosition> got = delivered.getOrDefault(channel, List.of());
        synchronized (got) {
            return new ArrayList<>(got); // positions may be null: no List.copyOf
        }
    }

    @Override
    protected void loseEverything() {
        store = new InMemoryHistory(clock);
    }

    @Override
    protected void elapse(Duration d) {
        clock.advance(d);
    }

    @Test
    void theSweepDropsIdleChannelsAndExpiredKeys() {
        Retention short1 = new Retention(5, Duration.ofSeconds(1));
        publish(false, "a", short1, message("x"), "k", Duration.ofSeconds(2));
        publish("b", TEN, "y");
        assertThat(store.channelCount()).isEqualTo(2);
        assertThat(store.idempotencyKeyCount()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1500));
        store.sweep();
        assertThat(store.channelCount()).isEqualTo(1);
        assertThat(store.idempotencyKeyCount()).isEqualTo(1);
        clock.advance(Duration.ofMillis(600));
        store.sweep();
        assertThat(store.idempotencyKeyCount()).isZero();
    }

    @Test
    void pastMaxChannelsOneChannelLosesItsHistoryAndTheCountStaysBounded() {
        store = new InMemoryHistory(clock, 3, 10);
        List<StreamPosition> first = new ArrayList<>();
        for (String ch : List.of("c1", "c2", "c3")) {
            first.add(publish(ch, TEN, "x").position());
        }
        publish("c4", TEN, "x");
        assertThat(store.channelCount()).isEqualTo(3);
        int lost = 0;
        for (int i = 0; i < 3; i++) {
            StreamPosition now = store.position("app", "c" + (i + 1), TEN).toCompletableFuture().join();
            if (!now.epoch().equals(first.get(i).epoch())) {
                lost++;
                assertThat(now.offset()).isZero();
            }
        }
        // reading the evicted one back started it again and pushed out another: never more than 3
        assertThat(lost).isGreaterThanOrEqualTo(1);
        assertThat(store.channelCount()).isEqualTo(3);
    }

    @Test
    void pastMaxKeysTheOldestKeyIsForgottenFirst() {
        store = new InMemoryHistory(clock, 100, 2);
        publish(false, "room", null, message("a"), "k1", WINDOW);
        publish(false, "room", null, message("b"), "k2", WINDOW);
        publish(false, "room", null, message("c"), "k3", WINDOW);
        assertThat(store.idempotencyKeyCount()).isEqualTo(2);
        assertThat(publish(false, "room", null, message("c"), "k3", WINDOW).repeated()).isTrue();
        assertThat(publish(false, "room", null, message("a"), "k1", WINDOW).repeated()).isFalse();
    }

    @Test
    void aRestartedNodeStartsEveryChannelInANewEpoch() {
        StreamPosition before = publish("room", TEN, "a").position();
        loseEverything();
        StreamPosition after = publish("room", TEN, "b").position();
        assertThat(after.epoch()).isNotEqualTo(before.epoch());
        assertThat(after.offset()).isEqualTo(1);
    }
}

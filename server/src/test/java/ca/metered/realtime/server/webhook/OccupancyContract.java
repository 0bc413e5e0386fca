package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Occupancy} decides, through {@link OccupancyTracker}s (one per node), run
 * against each implementation. Subclasses give nodes of one cluster and the events logged so
 * far, as {@code "channel.occupied:room"}.
 */
abstract class OccupancyContract {

    /** Node {@code n} of the cluster, started. */
    protected abstract OccupancyTracker node(int n);

    /** Events decided so far for app {@code app}, oldest first. */
    protected abstract List<String> events() throws Exception;

    /**
     * Waits (polling, with a deadline) until the events are exactly {@code expected}: a
     * cluster's calls are asynchronous.
     */
    protected void eventsAre(String... expected) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!events().equals(List.of(expected)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(events()).containsExactly(expected);
    }

    @Test
    void aChannelIsOccupiedByItsFirstSubscriberAndVacatedByItsLast() throws Exception {
        OccupancyTracker a = node(1);
        a.subscribed("app", "room");
        a.subscribed("app", "room");
        a.unsubscribed("app", "room");
        eventsAre("channel.occupied:room");
        a.unsubscribed("app", "room");
        eventsAre("channel.occupied:room", "channel.vacated:room");
        assertThat(a.channels()).isEmpty();
    }

    @Test
    void channelsAreCountedApartAndUntrackedOnesNotAtAll() throws Exception {
        OccupancyTracker a = node(1);
        a.subscribed("app", "room");
        a.subscribed("app", "lobby");
        a.subscribed("app", "untracked-1");
        a.unsubscribed("app", "room");
        eventsAre("channel.occupied:room", "channel.occupied:lobby", "channel.vacated:room");
        assertThat(a.channels()).containsExactly(new AppChannel("app", "lobby"));
    }

    @Test
    void anUnsubscribeWithoutASubscribeChangesNothing() throws Exception {
        OccupancyTracker a = node(1);
        a.unsubscribed("app", "room");
        a.subscribed("app", "lobby");
        eventsAre("channel.occupied:lobby");
    }
}

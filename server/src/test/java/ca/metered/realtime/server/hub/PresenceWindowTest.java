package ca.metered.realtime.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.cluster.PresenceStore.Snapshot;
import ca.metered.realtime.server.metrics.AppMeters;
import ca.metered.realtime.server.session.NettyCallerLoop;
import ca.metered.realtime.server.time.ManualScheduler;
import io.netty.channel.DefaultEventLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A large room's window is stretched so that its presence frames per second stay bounded. */
class PresenceWindowTest {
    private final ManualScheduler time = new ManualScheduler();

    @Test
    void theWindowGrowsWithTheRoomUpToOneSecond() {
        PresenceWindow w = new PresenceWindow(time, Duration.ofMillis(50));
        assertThat(w.windowFor(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(w.windowFor(1000)).isEqualTo(Duration.ofMillis(50));
        assertThat(w.windowFor(2000)).isEqualTo(Duration.ofMillis(100));
        assertThat(w.windowFor(10_000)).isEqualTo(Duration.ofMillis(500));
        assertThat(w.windowFor(1_000_000)).isEqualTo(Duration.ofSeconds(1));
        // A longer configured window is never shortened.
        assertThat(new PresenceWindow(time, Duration.ofMillis(800)).windowFor(10_000)).isEqualTo(Duration.ofMillis(800));
    }

    /** 2,000 members: the deltas of one 100 ms window reach every member in one frame, not before. */
    @Test
    void aLargeRoomsDeltasWaitForTheStretchedWindowAndArriveTogether() {
        AppHub hub = new AppHub("app", AppMeters.unregistered("app"), new PresenceWindow(time, Duration.ofMillis(50)));
        List<RecordingSubscriber> members = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            RecordingSubscriber s = new RecordingSubscriber("m" + i);
            hub.attach(s, "room", false).subscription().activate(new Snapshot(List.of(), 0), p -> { });
            members.add(s);
        }
        hub.deliverPresence("room", new PresenceDelta(1, true, "x", null));
        time.advance(Duration.ofMillis(60));
        hub.deliverPresence("room", new PresenceDelta(2, true, "y", null));
        assertThat(members.get(0).frames).as("still within the stretched window").isEmpty();
        time.advance(Duration.ofMillis(45));
        for (RecordingSubscriber s : members) {
            assertThat(s.frames).hasSize(1);
            assertThat(new String(s.frames.get(0), StandardCharsets.UTF_8)).isEqualTo(
                    "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[{\"peerId\":\"x\"},{\"peerId\":\"y\"}],"
                            + "\"left\":[]}");
        }
    }

    /**
     * A delta decided on an event loop (where a joiner's is) ends its window on that loop, not on
     * the timer's thread (which is never advanced here): the members' drains then leave as one
     * task per loop.
     */
    @Test
    void aWindowOpenedOnAnEventLoopIsFlushedOnThatLoop() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            AppHub hub = new AppHub("app", AppMeters.unregistered("app"),
                    new PresenceWindow(time, Duration.ofMillis(50), new NettyCallerLoop()));
            List<RecordingSubscriber> members = new ArrayList<>();
            List<Thread> deliveredOn = new ArrayList<>();
            loop.submit(() -> {
                for (int i = 0; i < 2000; i++) {
                    RecordingSubscriber s = new RecordingSubscriber("m" + i) {
                        @Override
                        public void deliver(byte[] frame) {
                            deliveredOn.add(Thread.currentThread());
                            super.deliver(frame);
                        }
                    };
                    hub.attach(s, "room", false).subscription().activate(new Snapshot(List.of(), 0), p -> { });
                    members.add(s);
                }
                hub.deliverPresence("room", new PresenceDelta(1, true, "x", null));
                hub.deliverPresence("room", new PresenceDelta(2, true, "y", null));
            }).get();
            Thread loopThread = loop.submit(Thread::currentThread).get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (loop.submit(() -> deliveredOn.size()).get() < members.size() && System.nanoTime() < deadline) {
                Thread.sleep(5); // a poll with a deadline, not a wait for a time
            }
            loop.submit(() -> {
                assertThat(deliveredOn).hasSize(members.size()).containsOnly(loopThread);
                for (RecordingSubscriber s : members) {
                    assertThat(s.frames).hasSize(1);
                    assertThat(new String(s.frames.get(0), StandardCharsets.UTF_8)).isEqualTo(
                            "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[{\"peerId\":\"x\"},"
                                    + "{\"peerId\":\"y\"}],\"left\":[]}");
                }
            }).get();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** With Redis (no caller loop) a window opened on a loop — the Redis client's — ends on the timer. */
    @Test
    void withoutACallerLoopAWindowOpenedOnALoopEndsOnTheTimer() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            AppHub hub = new AppHub("app", AppMeters.unregistered("app"), new PresenceWindow(time, Duration.ofMillis(50), CallerLoop.NONE));
            RecordingSubscriber member = new RecordingSubscriber("m");
            hub.attach(member, "room", false).subscription().activate(new Snapshot(List.of(), 0), p -> { });
            loop.submit(() -> hub.deliverPresence("room", new PresenceDelta(1, true, "x", null))).get();
            // a task queued after the window's end on the loop, had it been scheduled there
            loop.schedule(() -> { }, 200, TimeUnit.MILLISECONDS).get();
            assertThat(member.frames).as("nothing until the timer moves").isEmpty();
            time.advance(Duration.ofMillis(50));
            assertThat(member.frames).hasSize(1);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}

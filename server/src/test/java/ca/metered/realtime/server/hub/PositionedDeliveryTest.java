package ca.metered.realtime.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.cluster.PresenceStore.Snapshot;
import ca.metered.realtime.server.metrics.AppMeters;
import ca.metered.realtime.server.time.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules that make recovery exact on one node (docs/protocol.md 9): what a pending subscription
 * holds is released after the ack and the replay, without what the replay or the start position
 * already covers; a gap in what this node received is hinted to subscriptions that asked for
 * recovery, before anything newer, and never to the others. Presence deltas are coalesced
 * (a window waits on a manual clock), so the rules are checked with batches waiting: a message
 * still hands out the waiting batch first, and a recovering subscriber still gets ack, replay,
 * then live frames.
 */
class PositionedDeliveryTest {
    private final ManualScheduler time = new ManualScheduler();
    private final AppHub hub = new AppHub("app", AppMeters.unregistered("app"),
            new PresenceWindow(time, Duration.ofMillis(50)));
    private final RecordingSubscriber s = new RecordingSubscriber("s");

    private static StreamPosition at(long offset) {
        return new StreamPosition("e1", offset);
    }

    private void live(long offset) {
        hub.deliverMessage("room", "p", RawJson.of(Long.toString(offset)), null, at(offset), -1, true, false);
    }

    private static byte[] replayed(long offset) {
        return FrameCodec.encode(new ServerFrame.Message("room", "p", RawJson.of(Long.toString(offset)), null, at(offset)));
    }

    /** What the subscriber got, as short labels: ack, m{offset}, hint, presence. */
    private List<String> received() {
        List<String> out = new ArrayList<>();
        for (byte[] f : s.frames) {
            String t = new String(f, StandardCharsets.UTF_8);
            if (t.equals("ACK")) {
                out.add("ack");
            } else if (t.contains("\"type\":\"resubscribe\"")) {
                out.add("hint");
            } else if (t.contains("\"type\":\"presence\"")) {
                out.add("presence");
            } else {
                int i = t.indexOf("\"offset\":");
                out.add("m" + t.substring(i + 9, t.indexOf(',', i)));
            }
        }
        s.frames.clear();
        return out;
    }

    private Subscription pending() {
        return hub.attach(s, "room", false).subscription();
    }

    private void activate(Subscription sub, StreamPosition from, List<byte[]> replay, boolean wantsHints) {
        sub.activate(Snapshot.EMPTY, new Start(from, replay, wantsHints),
                presence -> s.deliver("ACK".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void heldMessagesTheReplayCoversAreDroppedAndTheRestFollowItInOrder() {
        Subscription sub = pending();
        live(4);
        live(5);
        live(6);
        activate(sub, at(5), List.of(replayed(3), replayed(4), replayed(5)), true);
        assertThat(received()).containsExactly("ack", "m3", "m4", "m5", "m6");
        live(7);
        assertThat(received()).containsExactly("m7");
    }

    @Test
    void aPlainSubscribeStartsAtItsPositionAndSkipsWhatCameBefore() {
        Subscription sub = pending();
        live(9);
        live(10);
        activate(sub, at(9), List.of(), false);
        assertThat(received()).containsExactly("ack", "m10");
    }

    @Test
    void aGapInTheHeldMessagesIsHintedBeforeThemToARecoveringSubscription() {
        Subscription sub = pending();
        live(8); // 6 and 7 never arrived: this node missed them
        live(9);
        activate(sub, at(5), List.of(), true);
        assertThat(received()).containsExactly("ack", "hint", "m8", "m9");
    }

    @Test
    void aLiveGapIsHintedBeforeTheNextMessageOnlyToRecoveringSubscriptions() {
        RecordingSubscriber plain = new RecordingSubscriber("plain");
        Subscription plainSub = hub.attach(plain, "room", false).subscription();
        plainSub.activate(Snapshot.EMPTY, new Start(at(0), List.of(), false), p -> { });
        activate(pending(), at(0), List.of(), true);
        received();
        live(1);
        live(2);
        live(5);
        assertThat(received()).containsExactly("m1", "m2", "hint", "m5");
        assertThat(plain.frames).hasSize(3).noneMatch(f -> new String(f, StandardCharsets.UTF_8).contains("resubscribe"));
    }

    @Test
    void aNewEpochFromItsFirstOffsetIsNoGapButFromALaterOneItIs() {
        activate(pending(), at(0), List.of(), true);
        received();
        live(1);
        hub.deliverMessage("room", "p", RawJson.of("1"), null, new StreamPosition("e2", 1), -1, true, false);
        hub.deliverMessage("room", "p", RawJson.of("1"), null, new StreamPosition("e3", 4), -1, true, false);
        assertThat(received()).containsExactly("m1", "m1", "hint", "m4");
    }

    @Test
    void afterAReconnectAChannelThatMovedOnIsHintedOnce() {
        activate(pending(), at(0), List.of(), true);
        live(1);
        received();
        assertThat(hub.tracksPosition("room")).isTrue();
        assertThat(hub.checkPosition("room", at(1))).isFalse();
        assertThat(hub.checkPosition("room", at(3))).isTrue();
        assertThat(received()).containsExactly("hint");
        assertThat(hub.checkPosition("room", at(3))).as("already told").isFalse();
        assertThat(hub.checkPosition("room", new StreamPosition("e9", 0))).as("history lost").isTrue();
        assertThat(hub.tracksPosition("other")).isFalse();
    }

    @Test
    void aHintWhileASubscriptionIsPendingWaitsForItsAck() {
        activate(pending(), at(0), List.of(), true);
        live(1);
        received();
        Subscription again = hub.attach(s, "room", false).subscription(); // a repeated subscribe re-pends it
        live(4);
        activate(again, at(1), List.of(), true);
        assertThat(received()).containsExactly("ack", "hint", "m4");
    }

    @Test
    void aWaitingPresenceBatchGoesOutBeforeTheMessageThatFollowsItAndAfterTheReplay() {
        Subscription sub = pending();
        hub.deliverPresence("room", new PresenceDelta(2, true, "q", null)); // waits for its window
        live(6); // hands the batch out first: the join before anything q sends (docs/protocol.md 2.3)
        sub.activate(new Snapshot(List.of(), 1), new Start(at(5), List.of(replayed(4), replayed(5)), true),
                presence -> s.deliver("ACK".getBytes(StandardCharsets.UTF_8)));
        assertThat(received()).containsExactly("ack", "m4", "m5", "presence", "m6");
        hub.deliverPresence("room", new PresenceDelta(3, false, "q", null));
        assertThat(received()).as("waits for the window").isEmpty();
        live(7);
        assertThat(received()).containsExactly("presence", "m7");
        hub.deliverPresence("room", new PresenceDelta(4, true, "r", null));
        time.advance(Duration.ofMillis(50));
        assertThat(received()).containsExactly("presence");
    }
}

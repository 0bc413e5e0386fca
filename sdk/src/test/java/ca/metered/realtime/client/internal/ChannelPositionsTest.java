package ca.metered.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.internal.ChannelPositions.Verdict;
import ca.metered.realtime.protocol.frame.StreamPosition;
import com.fasterxml.jackson.databind.node.IntNode;
import org.junit.jupiter.api.Test;

/** The client's rules that make recovery exactly-once and in order (docs/protocol.md 9, docs/history.md). */
class ChannelPositionsTest {
    private final ChannelPositions positions = new ChannelPositions();

    private static ClientEvent.Message at(String epoch, long offset) {
        return new ClientEvent.Message("c", "p", IntNode.valueOf((int) offset), null, new StreamPosition(epoch, offset));
    }

    private void subscribedAt(String epoch, long offset) {
        positions.subscribing("c");
        positions.acked("c", StreamPosition.START, new Reply("s", true, new StreamPosition(epoch, offset), null, null));
    }

    @Test
    void aFirstSubscribeStartsAtTheAckedPositionAndSaysNothingWasRecovered() {
        positions.subscribing("c");
        ClientEvent.Recovery r = positions.acked("c", StreamPosition.START,
                new Reply("s", true, new StreamPosition("e", 7), null, null));
        assertThat(r).isEqualTo(new ClientEvent.Recovery("c", true, null, new StreamPosition("e", 7)));
        assertThat(positions.recoverFrom("c")).isEqualTo(new StreamPosition("e", 7));
        assertThat(positions.accept(at("e", 7))).isEqualTo(Verdict.DROP);
        assertThat(positions.accept(at("e", 8))).isEqualTo(Verdict.DELIVER);
    }

    @Test
    void inOrderIsDeliveredDuplicatesDroppedAndAJumpIsAGap() {
        subscribedAt("e", 0);
        assertThat(positions.accept(at("e", 1))).isEqualTo(Verdict.DELIVER);
        assertThat(positions.accept(at("e", 2))).isEqualTo(Verdict.DELIVER);
        assertThat(positions.accept(at("e", 2))).isEqualTo(Verdict.DROP);
        assertThat(positions.accept(at("e", 1))).isEqualTo(Verdict.DROP);
        assertThat(positions.accept(at("e", 4))).isEqualTo(Verdict.GAP);
        assertThat(positions.recoverFrom("c")).isEqualTo(new StreamPosition("e", 2));
        assertThat(positions.accept(at("other", 3))).isEqualTo(Verdict.GAP);
    }

    @Test
    void whileARecoveringSubscribeIsUnansweredLiveMessagesAreDroppedAndTheReplayFillsIn() {
        subscribedAt("e", 0);
        positions.accept(at("e", 1));
        positions.subscribing("c");
        assertThat(positions.accept(at("e", 5))).isEqualTo(Verdict.DROP);
        ClientEvent.Recovery r = positions.acked("c", new StreamPosition("e", 1),
                new Reply("s", true, new StreamPosition("e", 5), null, null));
        assertThat(r.recovered()).isTrue();
        assertThat(r.from()).isEqualTo(new StreamPosition("e", 1));
        for (long o = 2; o <= 6; o++) {
            assertThat(positions.accept(at("e", o))).isEqualTo(Verdict.DELIVER);
        }
    }

    @Test
    void anUnrecoveredSubscribeInTheSameEpochContinuesFromTheServersPosition() {
        subscribedAt("e", 3);
        positions.subscribing("c");
        ClientEvent.Recovery r = positions.acked("c", new StreamPosition("e", 3),
                new Reply("s", false, new StreamPosition("e", 900), null, null));
        assertThat(r).isEqualTo(new ClientEvent.Recovery("c", false, new StreamPosition("e", 3), new StreamPosition("e", 900)));
        assertThat(positions.takeNewEpoch("c")).isFalse();
        assertThat(positions.accept(at("e", 900))).isEqualTo(Verdict.DROP);
        assertThat(positions.accept(at("e", 901))).isEqualTo(Verdict.DELIVER);
    }

    @Test
    void aNewEpochIsFollowedFromItsStartWithASecondRecovery() {
        subscribedAt("e", 3);
        positions.subscribing("c");
        ClientEvent.Recovery r = positions.acked("c", new StreamPosition("e", 3),
                new Reply("s", false, new StreamPosition("e2", 10), null, null));
        assertThat(r).isEqualTo(new ClientEvent.Recovery("c", false, new StreamPosition("e", 3), new StreamPosition("e2", 10)));
        assertThat(positions.takeNewEpoch("c")).isTrue();
        assertThat(positions.takeNewEpoch("c")).isFalse();
        assertThat(positions.recoverFrom("c")).isEqualTo(new StreamPosition("e2", 0));
        positions.subscribing("c");
        assertThat(positions.acked("c", new StreamPosition("e2", 0),
                new Reply("s", true, new StreamPosition("e2", 10), null, null)).recovered()).isTrue();
        for (long o = 1; o <= 11; o++) {
            assertThat(positions.accept(at("e2", o))).isEqualTo(Verdict.DELIVER);
        }
    }

    @Test
    void ownPublishesAreNoGapsAndAreDroppedFromAReplay() {
        subscribedAt("e", 0);
        positions.accept(at("e", 1));
        positions.ownPublish("c", new StreamPosition("e", 2));
        positions.ownPublish("c", new StreamPosition("e", 3));
        assertThat(positions.accept(at("e", 4))).isEqualTo(Verdict.DELIVER);
        positions.ownPublish("c", new StreamPosition("e", 5));
        assertThat(positions.accept(at("e", 5))).isEqualTo(Verdict.DROP); // own, in a replay
        assertThat(positions.recoverFrom("c")).isEqualTo(new StreamPosition("e", 5));
        assertThat(positions.accept(at("e", 6))).isEqualTo(Verdict.DELIVER);
    }

    @Test
    void aServerWithoutTheExtensionChangesNothing() {
        positions.subscribing("c");
        assertThat(positions.acked("c", StreamPosition.START, Reply.plain("s"))).isNull();
        ClientEvent.Message plain = new ClientEvent.Message("c", "p", IntNode.valueOf(1), null);
        assertThat(positions.accept(plain)).isEqualTo(Verdict.DELIVER);
        assertThat(ChannelPositions.recoverable("rooms/*")).isFalse();
        assertThat(ChannelPositions.recoverable("rooms/1")).isTrue();
    }

    @Test
    void unsubscribingForgetsThePosition() {
        subscribedAt("e", 4);
        positions.forget("c");
        assertThat(positions.recoverFrom("c")).isEqualTo(StreamPosition.START);
    }
}

package ca.metered.realtime.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RosterBoardTest {
    private static Peer member(int i) {
        return new RmsPeer(i, new PeerListener() { }, 100);
    }

    @Test
    void completeWhenEveryMemberSeesExactlyTheOthers() {
        RosterBoard board = new RosterBoard(3);
        board.register(0, "a");
        board.register(1, "b");
        board.register(2, "c");
        board.presence(member(0), List.of("b"), List.of());
        board.presence(member(0), List.of("c"), List.of());
        board.presence(member(1), List.of("a", "c"), List.of());
        assertThat(board.complete()).isEqualTo(2);
        board.presence(member(2), List.of(), List.of());
        board.presence(member(2), List.of("a", "b"), List.of());
        assertThat(board.complete()).isEqualTo(3);
        assertThat(board.entriesHeld()).isEqualTo(6);
        assertThat(board.frames()).isEqualTo(5);
        assertThat(board.entries()).isEqualTo(6);
        assertThat(board.anomalies()).isZero();

        board.presence(member(2), List.of(), List.of("a"));
        assertThat(board.complete()).isEqualTo(2);
    }

    @Test
    void everyKindOfAnomalyIsCounted() {
        RosterBoard board = new RosterBoard(2);
        board.register(0, "a");
        board.register(1, "b");
        board.presence(member(0), List.of("a"), List.of());        // itself
        board.presence(member(0), List.of("zzz"), List.of());      // unknown
        board.presence(member(0), List.of("b"), List.of());
        board.presence(member(0), List.of("b"), List.of());        // already present
        board.presence(member(1), List.of(), List.of("a"));        // left, never joined
        board.presence(member(1), List.of("a"), List.of("a"));     // both arrays of one frame
        assertThat(board.anomalies()).isEqualTo(5);
        assertThat(board.firstAnomaly()).contains("itself");
    }
}

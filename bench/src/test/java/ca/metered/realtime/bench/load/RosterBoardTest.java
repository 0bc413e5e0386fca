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

    @Test
    void rostersAcrossWordBoundariesAreExact() {
        // 130 members: rosters span three 64-bit words, the last one partly.
        int n = 130;
        RosterBoard board = new RosterBoard(n);
        for (int i = 0; i < n; i++) {
            board.register(i, "peer-" + i);
        }
        for (int me = 0; me < n; me++) {
            int[] others = new int[n - 1];
            for (int i = 0, k = 0; i < n; i++) {
                if (i != me) {
                    others[k++] = i;
                }
            }
            board.presence(member(me), others, others.length, new int[0], 0);
        }
        assertThat(board.complete()).isEqualTo(n);
        assertThat(board.entriesHeld()).isEqualTo((long) n * (n - 1));
        assertThat(board.anomalies()).isZero();

        // 63, 64 and 129 leave member 0's roster, then join again in one frame with 129 leaving:
        // the same peer in both arrays of one frame is an anomaly, the others are not.
        board.presence(member(0), new int[0], 0, new int[] {63, 64, 129}, 3);
        assertThat(board.complete()).isEqualTo(n - 1);
        assertThat(board.entriesHeld()).isEqualTo((long) n * (n - 1) - 3);
        board.presence(member(0), new int[] {63, 64, 129}, 3, new int[] {129}, 1);
        assertThat(board.anomalies()).isEqualTo(1);
        assertThat(board.entriesHeld()).isEqualTo((long) n * (n - 1) - 1);
        board.presence(member(0), new int[] {129}, 1, new int[0], 0);
        assertThat(board.complete()).isEqualTo(n);
        assertThat(board.anomalies()).isEqualTo(1);

        // Joined twice, left while absent, an unknown member, beyond the room, oneself.
        board.presence(member(5), new int[] {64}, 1, new int[0], 0);
        board.presence(member(5), new int[] {-1, n, 5}, 3, new int[] {-1, n}, 2);
        assertThat(board.anomalies()).isEqualTo(1 + 1 + 3 + 2);
        assertThat(board.complete()).isEqualTo(n);
    }
}

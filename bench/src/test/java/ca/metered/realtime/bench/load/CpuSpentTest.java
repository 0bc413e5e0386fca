package ca.metered.realtime.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CpuSpentTest {
    private final ServerProcess self = ServerProcess.self();

    @Test
    void whatWasSpentIsEachCounterAfterLessBefore() {
        CpuSpent.Start start = new CpuSpent.Start(self, 1_000, OptionalLong.of(300), 5_000, 10_000);

        CpuSpent spent = CpuSpent.between(start, 4_000, OptionalLong.of(1_300), 7_000, 16_000);

        assertThat(spent).isEqualTo(new CpuSpent(3_000, 1_000, 2_000, 6_000));
        assertThat(spent.hasCompilers()).isTrue();
        // 6,000 ns of the machine, 5,000 of them the server's and ours: 1,000 ns over 1 µs.
        assertThat(spent.otherCores(1e-6)).isEqualTo(1.0);
    }

    @Test
    void aServerWithoutCompilerThreadsHasNoCompilerFigure() {
        CpuSpent.Start start = new CpuSpent.Start(self, 0, OptionalLong.empty(), 0, 0);

        CpuSpent spent = CpuSpent.between(start, 10, OptionalLong.empty(), 10, 20);

        assertThat(spent.hasCompilers()).isFalse();
        assertThat(spent.compilerNanos()).isEqualTo(-1);
    }

    @Test
    void aCompilerThreadThatExitedNeverMakesTheFigureNegative() {
        CpuSpent.Start start = new CpuSpent.Start(self, 0, OptionalLong.of(900), 0, 0);

        assertThat(CpuSpent.between(start, 10, OptionalLong.of(400), 10, 20).compilerNanos()).isZero();
    }

    @Test
    void otherProcessesAreNeverBelowZero() {
        assertThat(new CpuSpent(5_000, 0, 5_000, 8_000).otherCores(1.0)).isZero();
    }

    @Test
    void readsThisJvmsCounters() {
        CpuSpent spent = CpuSpent.start(self).spent();

        assertThat(spent.hasCompilers()).isTrue();
        assertThat(spent.serverNanos()).isGreaterThanOrEqualTo(0);
        assertThat(spent.generatorNanos()).isGreaterThanOrEqualTo(0);
        assertThat(spent.machineBusyNanos()).isGreaterThanOrEqualTo(0);
    }
}

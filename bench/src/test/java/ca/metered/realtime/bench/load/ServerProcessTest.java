package ca.metered.realtime.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ServerProcess} reading real processes from {@code /proc}: this JVM, and a process that is not one. */
class ServerProcessTest {

    @Test
    void aHotSpotJvmHasCompilerThreadsWhoseCpuIsPartOfItsOwn() {
        ServerProcess self = ServerProcess.self();
        long sum = 0;
        for (int i = 0; i < 2_000_000; i++) {
            sum += Integer.toString(i).hashCode(); // work for the JIT compilers
        }
        assertThat(sum).isNotZero();
        OptionalLong first = self.compilerNanos();
        long total = self.cpuNanos();

        assertThat(first).isPresent();
        assertThat(first.getAsLong()).isPositive().isLessThanOrEqualTo(total);
        assertThat(self.compilerNanos().getAsLong()).isGreaterThanOrEqualTo(first.getAsLong());
    }

    @Test
    void aProcessWithoutCompilerThreadsHasNone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            ServerProcess other = new ServerProcess(sleep.pid());

            assertThat(other.compilerNanos()).isEmpty();
            assertThat(other.cpuNanos()).isGreaterThanOrEqualTo(0);
        } finally {
            sleep.destroy();
            sleep.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void statFieldsAreCountedFromAfterTheCommandNameEvenWithSpacesAndParentheses() {
        String stat = "4242 (C2 Compiler) x) S 1 4242 4242 0 -1 4194368 12 0 0 0 731 58 0 0 20 0 1 0";

        assertThat(ServerProcess.statTicks(stat, 11)).isEqualTo(731); // utime
        assertThat(ServerProcess.statTicks(stat, 12)).isEqualTo(58); // stime
    }
}

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
    void threadsAreGroupedByNameWithoutTheirNumber() {
        assertThat(ServerProcess.groupOf("GC Thread#1")).isEqualTo("GC Thread");
        assertThat(ServerProcess.groupOf("multiThreadIoEv")).isEqualTo("multiThreadIoEv");
        assertThat(ServerProcess.groupOf("rms-webhook-2")).isEqualTo("rms-webhook");
        assertThat(ServerProcess.groupOf("pool-3-thread-12")).isEqualTo("pool-3-thread");
        assertThat(ServerProcess.groupOf("C2 CompilerThre")).isEqualTo("C2 CompilerThre");
    }

    @Test
    void aJvmsThreadGroupsAddUpToItsCpuAndNameItsCompilers() throws Exception {
        java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(2);
        Thread[] workers = new Thread[2];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Thread(() -> {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                busy.countDown();
                try {
                    read.await(); // alive while the groups are read: exited threads do not count
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "probe-worker-" + (i + 1));
            workers[i].start();
        }
        busy.await();
        ServerProcess self = ServerProcess.self();
        var groups = self.cpuByThreadGroup();
        long total = self.cpuNanos();
        read.countDown();
        for (Thread t : workers) {
            t.join();
        }

        long sum = groups.stream().mapToLong(ServerProcess.ThreadGroupCpu::cpuNanos).sum();
        assertThat(sum).isPositive().isLessThanOrEqualTo(total);
        assertThat(groups).extracting(ServerProcess.ThreadGroupCpu::name).contains("C2 CompilerThre");
        var probe = groups.stream().filter(g -> g.name().equals("probe-worker")).findFirst().orElseThrow();
        assertThat(probe.threads()).isEqualTo(2);
        assertThat(probe.cpuNanos()).isPositive(); // 2 × 200 ms spinning, at 10 ms ticks
        for (int i = 1; i < groups.size(); i++) {
            assertThat(groups.get(i - 1).cpuNanos()).isGreaterThanOrEqualTo(groups.get(i).cpuNanos());
        }
    }

    @Test
    void statFieldsAreCountedFromAfterTheCommandNameEvenWithSpacesAndParentheses() {
        String stat = "4242 (C2 Compiler) x) S 1 4242 4242 0 -1 4194368 12 0 0 0 731 58 0 0 20 0 1 0";

        assertThat(ServerProcess.statTicks(stat, 11)).isEqualTo(731); // utime
        assertThat(ServerProcess.statTicks(stat, 12)).isEqualTo(58); // stime
    }
}

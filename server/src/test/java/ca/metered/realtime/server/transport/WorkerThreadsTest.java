package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NettyRuntime;
import org.junit.jupiter.api.Test;

/**
 * {@code server.eventLoopThreads}: as configured, and one loop per core but one (at least one)
 * when 0 (docs/configuration.md).
 */
class WorkerThreadsTest {
    @Test
    void zeroLeavesOneCoreToTheRestOfTheProcess() {
        assertThat(RmsServer.workerThreads(0, 2)).isEqualTo(1);
        assertThat(RmsServer.workerThreads(0, 8)).isEqualTo(7);
        assertThat(RmsServer.workerThreads(0)).isEqualTo(RmsServer.workerThreads(0, NettyRuntime.availableProcessors()));
    }

    @Test
    void zeroStillMeansOneLoopOnOneCore() {
        assertThat(RmsServer.workerThreads(0, 1)).isEqualTo(1);
    }

    @Test
    void aConfiguredCountIsKept() {
        assertThat(RmsServer.workerThreads(1, 8)).isEqualTo(1);
        assertThat(RmsServer.workerThreads(3, 2)).isEqualTo(3);
        assertThat(RmsServer.workerThreads(1024, 2)).isEqualTo(1024);
    }
}

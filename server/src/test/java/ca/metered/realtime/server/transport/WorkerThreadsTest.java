package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NettyRuntime;
import org.junit.jupiter.api.Test;

/** {@code server.eventLoopThreads}: as configured, and one loop per core when 0 (docs/configuration.md). */
class WorkerThreadsTest {
    @Test
    void zeroMeansOneLoopPerCoreNotNettysTwicePerCore() {
        assertThat(RmsServer.workerThreads(0)).isEqualTo(NettyRuntime.availableProcessors());
    }

    @Test
    void aConfiguredCountIsKept() {
        assertThat(RmsServer.workerThreads(3)).isEqualTo(3);
        assertThat(RmsServer.workerThreads(1024)).isEqualTo(1024);
    }
}

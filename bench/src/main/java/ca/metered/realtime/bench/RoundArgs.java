package ca.metered.realtime.bench;

import ca.metered.realtime.bench.load.ServerProcess;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Rounds of a workload against the same server process: round 1 is the cold figure, the later
 * ones are measured after the server went idle again (its code compiled, its pools grown), as a
 * server that has run for a while is; shared by the idle and room workloads.
 */
final class RoundArgs {
    /** Below this the server counts as idle between rounds (cores busy over a second). */
    private static final double IDLE_CORES = 0.05;

    @Option(names = "--rounds", defaultValue = "1",
            description = "rounds against the same server (each closed before the next); rounds after the first are "
                    + "reported as warm-server figures (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--idle-wait", defaultValue = "60",
            description = "at most this many seconds to wait for the server to go idle between rounds (default ${DEFAULT-VALUE})")
    int idleWaitSeconds;

    /** Waits until {@code server} is idle (at most {@code --idle-wait}); returns the seconds waited. */
    double awaitIdle(ServerProcess server) throws InterruptedException {
        return server.awaitIdle(IDLE_CORES, Duration.ofSeconds(idleWaitSeconds));
    }
}

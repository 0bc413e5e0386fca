package ca.metered.realtime.bench.load;

import java.util.OptionalLong;

/**
 * The CPU one stretch of a workload cost, from counters read together before and after it: the
 * server's, the part of it its JIT compiler threads used ({@code -1} when it has none, e.g. a Go
 * server), this load generator's, and the whole machine's busy time. Start with {@link #start},
 * end with {@link Start#spent}.
 *
 * <p>Immutable; {@link Start#spent} reads {@code /proc} from the calling thread.
 */
public record CpuSpent(long serverNanos, long compilerNanos, long generatorNanos, long machineBusyNanos) {

    /** Reads the counters now. */
    public static Start start(ServerProcess server) {
        return new Start(server, server.cpuNanos(), server.compilerNanos(), ServerProcess.self().cpuNanos(),
                MachineCpu.busyNanos());
    }

    /** Whether the server has JIT compiler threads, so that {@link #compilerNanos} means something. */
    public boolean hasCompilers() {
        return compilerNanos >= 0;
    }

    /** Other processes' CPU over {@code seconds}, in cores busy: the machine's less the server's and ours. */
    public double otherCores(double seconds) {
        return Math.max(0, machineBusyNanos - serverNanos - generatorNanos) / 1e9 / seconds;
    }

    /** The counters at the start of a stretch. */
    public record Start(ServerProcess server, long serverNanos, OptionalLong compilerNanos, long generatorNanos,
                        long machineBusyNanos) {
        /** Reads the counters again: what was spent since {@link CpuSpent#start}. */
        public CpuSpent spent() {
            return between(this, server.cpuNanos(), server.compilerNanos(), ServerProcess.self().cpuNanos(),
                    MachineCpu.busyNanos());
        }
    }

    static CpuSpent between(Start s, long serverNanos, OptionalLong compilerNanos, long generatorNanos,
                            long machineBusyNanos) {
        // A compiler thread that exits in between takes its CPU along: never report less than 0.
        long compilers = s.compilerNanos().isPresent() && compilerNanos.isPresent()
                ? Math.max(0, compilerNanos.getAsLong() - s.compilerNanos().getAsLong()) : -1;
        return new CpuSpent(serverNanos - s.serverNanos(), compilers, generatorNanos - s.generatorNanos(),
                machineBusyNanos - s.machineBusyNanos());
    }
}

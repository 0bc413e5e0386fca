package ca.metered.realtime.bench;

import ca.metered.realtime.bench.load.CpuSpent;
import ca.metered.realtime.bench.load.DeliveryMeter;
import ca.metered.realtime.bench.load.Fleet;
import ca.metered.realtime.bench.load.LoadClient;
import ca.metered.realtime.bench.load.Result;
import ca.metered.realtime.bench.load.ServerProcess;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rms-bench idle}: N connections, each subscribed to a room of {@code --room-size}, then
 * idle. Reports the time to establish them all, the server's RSS per connection, its live heap
 * per connection (JVM servers, {@code --heap}), and what is given back after they close.
 *
 * <p>With {@code --rounds 2} (or more), once the first ("cold") round is measured and closed, it
 * waits until the server is idle and connects the same N again, reporting each further round's
 * time and CPU as "warm server" figures ({@code establish_warm_s}, ...; the last round's, and the
 * rounds' own in {@code establish_round<k>_s}). The cold figures and the memory figures are
 * always those of the first round, measured exactly as without the option.
 */
@Command(name = "idle", mixinStandardHelpOptions = true,
        description = "N idle subscribed connections in rooms: time to establish, RSS and live heap per connection.")
final class IdleCommand implements Callable<Integer> {
    @Mixin
    TargetArgs target;

    @Option(names = "--connections", defaultValue = "15000", description = "default ${DEFAULT-VALUE}")
    int connections;

    @Option(names = "--room-size", defaultValue = "10", description = "connections per room (default ${DEFAULT-VALUE})")
    int roomSize;

    @Option(names = "--concurrency", defaultValue = "500", description = "connects in flight (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--hold", defaultValue = "10", description = "seconds idle before measuring (default ${DEFAULT-VALUE})")
    int holdSeconds;

    @Option(names = "--heap", description = "also measure the live heap with jcmd (JVM servers)")
    boolean heap;

    @Option(names = "--cpu-by-thread",
            description = "at the end, print the server's CPU since it started by thread group (event loops, JIT compilers, GC, …)")
    boolean cpuByThread;

    @Mixin
    RoundArgs roundArgs;

    @Override
    public Integer call() throws Exception {
        ServerProcess server = target.server();
        DeliveryMeter meter = new DeliveryMeter();
        // The RSS as the server started, before anything is done to it: the same measure for
        // every server. The live-heap baseline below forces a full GC (JVM servers only), which
        // shrinks the heap and so the RSS; the per-connection figure measured from after it is
        // kept too, as earlier runs reported it.
        long rssStarted = server.rssBytes();
        OptionalLong heap0 = heap ? server.liveHeapBytes() : OptionalLong.empty();
        long rss0 = server.rssBytes();
        try (LoadClient client = target.client()) {
            Connect cold = connectAll(client, server, meter);
            Fleet fleet = cold.fleet();
            double establish = cold.seconds();
            Thread.sleep(TimeUnit.SECONDS.toMillis(holdSeconds));
            long rss1 = server.rssBytes();
            OptionalLong heap1 = heap ? server.liveHeapBytes() : OptionalLong.empty();
            long open = fleet.open();
            int threads = server.threads();
            meter.expectClose();
            fleet.close(Duration.ofMinutes(2));
            Thread.sleep(TimeUnit.SECONDS.toMillis(5));
            long rss2 = server.rssBytes();
            OptionalLong heap2 = heap ? server.liveHeapBytes() : OptionalLong.empty();
            Result r = new Result("idle", target.label())
                    .param("connections", connections)
                    .param("roomSize", roomSize)
                    .figure("establish_s", "cold server (round 1): time to connect and subscribe all", "s", establish)
                    .figure("establish_cpu_s", "cold server (round 1): server CPU to connect and subscribe all", "s",
                            cold.cpu().serverNanos() / 1e9);
            if (cold.cpu().hasCompilers()) {
                r.figure("establish_jit_cpu_s", "cold server (round 1): … of which the server's JIT compiler threads", "s",
                        cold.cpu().compilerNanos() / 1e9);
            }
            r.figure("establish_cpu_us_per_conn", "cold server (round 1): server CPU per connection", "µs",
                            cold.cpu().serverNanos() / 1e3 / connections)
                    .figure("generator_cpu_s", "cold server (round 1): load generator CPU to connect and subscribe all", "s",
                            cold.cpu().generatorNanos() / 1e9)
                    .figure("machine_busy_cores", "whole machine busy while connecting (cores)", "cores",
                            cold.cpu().machineBusyNanos() / 1e9 / establish)
                    .figure("other_cores", "other processes' CPU while connecting (cores busy)", "cores", cold.otherCores())
                    .figure("rss_per_conn_kb", "server RSS per connection", "KB", (rss1 - rss0) / 1024.0 / connections)
                    .figure("rss_per_conn_started_kb", "server RSS per connection, from the RSS as started (no GC forced)",
                            "KB", (rss1 - rssStarted) / 1024.0 / connections)
                    .figure("rss_started_mb", "server RSS as started", "MB", rssStarted / 1e6)
                    .figure("rss_before_mb", "server RSS before", "MB", rss0 / 1e6)
                    .figure("rss_idle_mb", "server RSS with all connected, idle", "MB", rss1 / 1e6)
                    .figure("rss_after_close_mb", "server RSS 5 s after they all closed", "MB", rss2 / 1e6)
                    .figure("server_threads", "server threads while idle", "", threads)
                    .figure("open", "connections still open after the hold", "", open)
                    .figure("failed", "connections that failed", "", fleet.failures());
            if (heap0.isPresent() && heap1.isPresent()) {
                r.figure("heap_per_conn_bytes", "live heap per connection (after full GC)", "B",
                        (heap1.getAsLong() - heap0.getAsLong()) / (double) connections);
                r.figure("heap_idle_mb", "live heap with all connected", "MB", heap1.getAsLong() / 1e6);
            }
            if (heap2.isPresent()) {
                r.figure("heap_after_close_mb", "live heap after they all closed", "MB", heap2.getAsLong() / 1e6);
            }
            if (fleet.timedOut()) {
                r.note("stopped", "timed out while connecting");
            }
            if (fleet.firstFailure() != null) {
                r.note("first_failure", fleet.firstFailure());
            }
            boolean ok = !fleet.timedOut() && fleet.failures() == 0 && open == connections;
            for (int round = 2; round <= roundArgs.rounds && ok; round++) {
                ok = warmRound(client, server, round, r);
            }
            target.finish(r);
            if (cpuByThread) {
                printCpuByThread(server);
            }
            return ok ? 0 : 1;
        }
    }

    /**
     * One more round against the same (now warm) server: waits until it is idle, connects the same
     * N into the same rooms, records time and CPU, closes them all. The same for every server.
     */
    private boolean warmRound(LoadClient client, ServerProcess server, int round, Result r) throws Exception {
        double waited = roundArgs.awaitIdle(server);
        DeliveryMeter meter = new DeliveryMeter();
        Connect warm = connectAll(client, server, meter);
        Fleet fleet = warm.fleet();
        double establish = warm.seconds();
        long open = fleet.open();
        meter.expectClose();
        fleet.close(Duration.ofMinutes(2));
        double cpu = warm.cpu().serverNanos() / 1e9;
        double gen = warm.cpu().generatorNanos() / 1e9;
        double other = warm.otherCores();
        String k = "round" + round;
        r.figure("establish_" + k + "_s", "round " + round + " (warm server): time to connect and subscribe all", "s", establish)
                .figure("establish_" + k + "_cpu_s", "round " + round + " (warm server): server CPU for that", "s", cpu)
                .figure("establish_" + k + "_generator_cpu_s", "round " + round + " (warm server): load generator CPU for that",
                        "s", gen)
                .figure("establish_" + k + "_other_cores", "round " + round + " (warm server): other processes (cores)",
                        "cores", other)
                .figure("idle_wait_" + k + "_s", "seconds waited for the server to go idle before round " + round, "s", waited);
        if (round == roundArgs.rounds) {
            r.figure("establish_warm_s", "warm server (last round): time to connect and subscribe all", "s", establish)
                    .figure("establish_warm_cpu_s", "warm server (last round): server CPU to connect and subscribe all", "s", cpu);
            if (warm.cpu().hasCompilers()) {
                r.figure("establish_warm_jit_cpu_s", "warm server (last round): … of which the server's JIT compiler threads",
                        "s", warm.cpu().compilerNanos() / 1e9);
            }
            r.figure("establish_warm_cpu_us_per_conn", "warm server (last round): server CPU per connection", "µs",
                            cpu * 1e6 / connections)
                    .figure("generator_warm_cpu_s", "warm server (last round): load generator CPU for that", "s", gen);
        }
        if (fleet.timedOut()) {
            r.note("stopped_" + k, "timed out while connecting");
        }
        if (fleet.firstFailure() != null) {
            r.note("first_failure_" + k, fleet.firstFailure());
        }
        return !fleet.timedOut() && fleet.failures() == 0 && open == connections;
    }

    private static void printCpuByThread(ServerProcess server) {
        System.out.println();
        System.out.println("server CPU by thread group since it started (s):");
        for (ServerProcess.ThreadGroupCpu g : server.cpuByThreadGroup()) {
            if (g.cpuNanos() > 0) {
                System.out.printf("  %-26s %3d thread%s  user %6.2f  system %6.2f%n", g.name(), g.threads(),
                        g.threads() == 1 ? " " : "s", g.userNanos() / 1e9, g.systemNanos() / 1e9);
            }
        }
    }

    /** One connect of all N, and what it cost: wall time and CPU. */
    private record Connect(Fleet fleet, double seconds, CpuSpent cpu) {
        /** Other processes' CPU while connecting, in cores busy. */
        double otherCores() {
            return cpu.otherCores(seconds);
        }
    }

    /** Connects N peers into rooms of {@code --room-size}, each subscribed to its room. */
    private Connect connectAll(LoadClient client, ServerProcess server, DeliveryMeter meter) throws Exception {
        CpuSpent.Start start = CpuSpent.start(server);
        Fleet fleet = Fleet.open(client, target.url, connections, i -> target.protocol.peer(i, meter, target.size),
                i -> "idle-" + (i / roomSize), p -> { }, concurrency, Duration.ofMinutes(10));
        double seconds = fleet.elapsedNanos() / 1e9;
        return new Connect(fleet, seconds, start.spent());
    }
}

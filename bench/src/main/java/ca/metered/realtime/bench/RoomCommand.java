package ca.metered.realtime.bench;

import ca.metered.realtime.bench.load.CpuSpent;
import ca.metered.realtime.bench.load.Fleet;
import ca.metered.realtime.bench.load.LoadClient;
import ca.metered.realtime.bench.load.Protocol;
import ca.metered.realtime.bench.load.Result;
import ca.metered.realtime.bench.load.RmsPeer;
import ca.metered.realtime.bench.load.RosterBoard;
import ca.metered.realtime.bench.load.ServerProcess;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rms-bench room} (rms only: NATS has no presence): N connections join one channel with
 * presence, each subscribing as soon as it is welcomed. Reports the time until every member holds
 * the exact roster (from the frames it received), the server's RSS growth (peak, sampled, and
 * after), presence frames and entries delivered, and any anomaly ({@link RosterBoard}).
 *
 * <p>With {@code --rounds N} the room is joined, checked and closed N times against the same
 * server, each time by a fresh room of N members: round 1 is measured exactly as without the
 * option (a cold server and a cold generator: both JVMs compile their code while the room joins);
 * rounds 2..N are the same room against the now warm processes, reported as {@code *_round<k>}
 * and, for the last, {@code *_warm} figures. Memory figures are round 1's.
 */
@Command(name = "room", mixinStandardHelpOptions = true,
        description = "N connections join one channel with presence (rms): time to the exact roster everywhere, RSS growth.")
final class RoomCommand implements Callable<Integer> {
    @Mixin
    TargetArgs target;

    @Option(names = "--members", defaultValue = "10000", description = "default ${DEFAULT-VALUE}")
    int members;

    @Option(names = "--concurrency", defaultValue = "500", description = "connects in flight (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--timeout", defaultValue = "120",
            description = "seconds to wait for the exact roster everywhere (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--max-server-rss-mb", defaultValue = "8000",
            description = "stop waiting when the server's RSS passes this, to protect the machine (default ${DEFAULT-VALUE})")
    long maxRssMb;

    @Option(names = "--room", description = "room name (default: a fresh one per run; round k > 1 adds -k)")
    String room;

    @Mixin
    RoundArgs roundArgs;

    @Override
    public Integer call() throws Exception {
        if (target.protocol != Protocol.RMS) {
            throw new IllegalArgumentException("room needs presence: --protocol rms");
        }
        String name = room != null ? room : "room-" + Long.toString(System.nanoTime(), 36);
        ServerProcess server = target.server();
        long rss0 = server.rssBytes();
        AtomicLong peakRss = new AtomicLong(rss0);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peakRss.accumulateAndGet(server.rssBytes(), Math::max),
                100, 100, TimeUnit.MILLISECONDS);
        try (LoadClient client = target.client()) {
            Round cold = join(client, server, name, peakRss);
            long rss1 = cold.rssAtEnd();
            long peak = cold.peakRss();
            Thread.sleep(TimeUnit.SECONDS.toMillis(5));
            long rss2 = server.rssBytes();
            long expectedEntries = (long) members * (members - 1);
            Result r = new Result("room", target.label())
                    .param("members", members)
                    .figure("exact_roster_s", cold.done() ? "time until every member has the exact roster"
                            : "time until stopped (roster incomplete)", "s", cold.rosterNanos() / 1e9)
                    .figure("all_acked_s", "time until every subscribe was acked", "s", cold.ackedNanos() / 1e9)
                    .figure("server_cpu_s", "server CPU until then", "s", cold.cpu().serverNanos() / 1e9);
            if (cold.cpu().hasCompilers()) {
                r.figure("server_jit_cpu_s", "… of which the server's JIT compiler threads", "s", cold.cpu().compilerNanos() / 1e9);
            }
            r.figure("generator_cpu_s", "load generator CPU until then", "s", cold.cpu().generatorNanos() / 1e9)
                    .figure("other_cores", "other processes' CPU meanwhile (cores busy)", "cores", cold.otherCores())
                    .figure("roster_complete_pct", "roster entries held / expected", "%",
                            100.0 * cold.held() / expectedEntries)
                    .figure("rss_peak_growth_mb", "server RSS growth, peak (sampled 10/s)", "MB", (peak - rss0) / 1e6)
                    .figure("rss_growth_mb", "server RSS growth, at the end", "MB", (rss1 - rss0) / 1e6)
                    .figure("rss_after_close_growth_mb", "server RSS growth, 5 s after all closed", "MB", (rss2 - rss0) / 1e6)
                    .figure("presence_frames", "presence frames received", "", cold.frames())
                    .figure("presence_entries", "presence entries received", "", cold.entries())
                    .figure("anomalies", "roster anomalies", "", cold.anomalies())
                    .figure("server_closes", "members closed by the server", "", cold.closes())
                    .figure("failed", "members that failed to join", "", cold.failures());
            cold.notes(r, "");
            boolean ok = cold.ok();
            for (int k = 2; k <= roundArgs.rounds && ok; k++) {
                double waited = roundArgs.awaitIdle(server);
                Round warm = join(client, server, name + "-" + k, peakRss);
                String w = "_round" + k;
                String label = "round " + k + " (warm server and generator): ";
                r.figure("exact_roster" + w + "_s", label + "time until every member has the exact roster", "s",
                                warm.rosterNanos() / 1e9)
                        .figure("server_cpu" + w + "_s", label + "server CPU until then", "s", warm.cpu().serverNanos() / 1e9)
                        .figure("generator_cpu" + w + "_s", label + "load generator CPU until then", "s",
                                warm.cpu().generatorNanos() / 1e9)
                        .figure("other_cores" + w, label + "other processes (cores busy)", "cores", warm.otherCores())
                        .figure("roster_complete_pct" + w, label + "roster entries held / expected", "%",
                                100.0 * warm.held() / expectedEntries)
                        .figure("presence_frames" + w, label + "presence frames received", "", warm.frames())
                        .figure("anomalies" + w, label + "roster anomalies", "", warm.anomalies())
                        .figure("failed" + w, label + "members that failed to join or were closed", "",
                                warm.failures() + warm.closes())
                        .figure("idle_wait" + w + "_s", "seconds waited for the server to go idle before round " + k, "s", waited);
                if (k == roundArgs.rounds) {
                    r.figure("exact_roster_warm_s", "warm (last round): time until every member has the exact roster", "s",
                                    warm.rosterNanos() / 1e9)
                            .figure("server_cpu_warm_s", "warm (last round): server CPU until then", "s",
                                    warm.cpu().serverNanos() / 1e9);
                    if (warm.cpu().hasCompilers()) {
                        r.figure("server_jit_cpu_warm_s", "warm (last round): … of which the server's JIT compiler threads",
                                "s", warm.cpu().compilerNanos() / 1e9);
                    }
                    r.figure("generator_cpu_warm_s", "warm (last round): load generator CPU until then", "s",
                            warm.cpu().generatorNanos() / 1e9);
                }
                warm.notes(r, w);
                ok = warm.ok();
            }
            target.finish(r);
            return ok ? 0 : 1;
        } finally {
            sampler.shutdownNow();
        }
    }

    /**
     * What one room's join cost and showed, up to the exact roster everywhere (or the stop);
     * {@code cpu} was spent over {@code joinSeconds}.
     */
    private record Round(String stopped, long rosterNanos, long ackedNanos, CpuSpent cpu, double joinSeconds,
                         long held, long frames, long entries, long anomalies, String firstAnomaly,
                         long closes, int failures, long rssAtEnd, long peakRss) {
        /** Other processes' CPU over the join, in cores busy. */
        double otherCores() {
            return cpu.otherCores(joinSeconds);
        }

        boolean done() {
            return stopped == null;
        }

        boolean ok() {
            return done() && anomalies == 0 && failures == 0;
        }

        void notes(Result r, String suffix) {
            if (stopped != null) {
                r.note("stopped" + suffix, stopped);
            }
            if (firstAnomaly != null) {
                r.note("first_anomaly" + suffix, firstAnomaly);
            }
        }
    }

    /**
     * Joins {@code --members} connections to {@code name}, waits for the exact roster everywhere
     * (or the timeout, or {@code peakRss} past the limit), then closes them all; the
     * peak RSS reported is the one sampled before the close.
     */
    private Round join(LoadClient client, ServerProcess server, String name, AtomicLong peakRss) throws Exception {
        RosterBoard board = new RosterBoard(members);
        CpuSpent.Start start = CpuSpent.start(server);
        long t0 = System.nanoTime();
        Fleet fleet = Fleet.open(client, target.url, members, i -> new RmsPeer(i, board, target.size, board.directory()),
                i -> name, p -> board.register(p.index(), ((RmsPeer) p).peerId()), concurrency,
                Duration.ofSeconds(timeoutSeconds));
        long acked = System.nanoTime() - t0;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String stopped = fleet.timedOut() ? "timeout after " + timeoutSeconds + " s while joining" : null;
        while (stopped == null && board.complete() < members) {
            if (System.nanoTime() > deadline) {
                stopped = "timeout after " + timeoutSeconds + " s";
                break;
            }
            if (peakRss.get() > maxRssMb * 1_000_000) {
                stopped = "server RSS passed " + maxRssMb + " MB";
                break;
            }
            Thread.sleep(10);
        }
        long rosterNanos = stopped == null ? board.lastCompleteNanos() - t0 : System.nanoTime() - t0;
        CpuSpent cpu = start.spent();
        double joinSeconds = (System.nanoTime() - t0) / 1e9;
        // A frame after completion would be an anomaly (a spurious joined or left): give
        // stragglers a moment to show up before the verdict.
        Thread.sleep(1000);
        long rss = server.rssBytes();
        Round round = new Round(stopped, rosterNanos, acked, cpu, joinSeconds, board.entriesHeld(),
                board.frames(), board.entries(), board.anomalies(), board.firstAnomaly(), board.closes(),
                fleet.failures(), rss, peakRss.get());
        // Closing sends everyone left deltas: not part of the measurement.
        board.expectClose();
        fleet.close(Duration.ofMinutes(2));
        return round;
    }
}

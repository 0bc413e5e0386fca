package ca.metered.realtime.bench;

import ca.metered.realtime.bench.load.Fleet;
import ca.metered.realtime.bench.load.LoadClient;
import ca.metered.realtime.bench.load.MachineCpu;
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

    @Option(names = "--room", description = "room name (default: a fresh one per run)")
    String room;

    @Override
    public Integer call() throws Exception {
        if (target.protocol != Protocol.RMS) {
            throw new IllegalArgumentException("room needs presence: --protocol rms");
        }
        String name = room != null ? room : "room-" + Long.toString(System.nanoTime(), 36);
        ServerProcess server = target.server();
        RosterBoard board = new RosterBoard(members);
        long rss0 = server.rssBytes();
        AtomicLong peakRss = new AtomicLong(rss0);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peakRss.accumulateAndGet(server.rssBytes(), Math::max),
                100, 100, TimeUnit.MILLISECONDS);
        try (LoadClient client = target.client()) {
            long c0 = server.cpuNanos();
            long g0 = ServerProcess.self().cpuNanos();
            long m0 = MachineCpu.busyNanos();
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
            boolean done = stopped == null;
            long rosterNanos = done ? board.lastCompleteNanos() - t0 : System.nanoTime() - t0;
            long c1 = server.cpuNanos();
            long g1 = ServerProcess.self().cpuNanos();
            long m1 = MachineCpu.busyNanos();
            double joinSeconds = (System.nanoTime() - t0) / 1e9;
            // A frame after completion would be an anomaly (a spurious joined or left): give
            // stragglers a moment to show up before the verdict.
            Thread.sleep(1000);
            long rss1 = server.rssBytes();
            sampler.shutdownNow();
            long held = board.entriesHeld();
            long frames = board.frames();
            long entries = board.entries();
            long anomalies = board.anomalies();
            String firstAnomaly = board.firstAnomaly();
            // Closing sends everyone left deltas: not part of the measurement.
            board.expectClose();
            fleet.close(Duration.ofMinutes(2));
            Thread.sleep(TimeUnit.SECONDS.toMillis(5));
            long rss2 = server.rssBytes();
            long expectedEntries = (long) members * (members - 1);
            Result r = new Result("room", target.label())
                    .param("members", members)
                    .figure("exact_roster_s", done ? "time until every member has the exact roster"
                            : "time until stopped (roster incomplete)", "s", rosterNanos / 1e9)
                    .figure("all_acked_s", "time until every subscribe was acked", "s", acked / 1e9)
                    .figure("server_cpu_s", "server CPU until then", "s", (c1 - c0) / 1e9)
                    .figure("generator_cpu_s", "load generator CPU until then", "s", (g1 - g0) / 1e9)
                    .figure("other_cores", "other processes' CPU meanwhile (cores busy)", "cores",
                            Math.max(0, (m1 - m0) - (c1 - c0) - (g1 - g0)) / 1e9 / joinSeconds)
                    .figure("roster_complete_pct", "roster entries held / expected", "%",
                            100.0 * held / expectedEntries)
                    .figure("rss_peak_growth_mb", "server RSS growth, peak (sampled 10/s)", "MB", (peakRss.get() - rss0) / 1e6)
                    .figure("rss_growth_mb", "server RSS growth, at the end", "MB", (rss1 - rss0) / 1e6)
                    .figure("rss_after_close_growth_mb", "server RSS growth, 5 s after all closed", "MB", (rss2 - rss0) / 1e6)
                    .figure("presence_frames", "presence frames received", "", frames)
                    .figure("presence_entries", "presence entries received", "", entries)
                    .figure("anomalies", "roster anomalies", "", anomalies)
                    .figure("server_closes", "members closed by the server", "", board.closes())
                    .figure("failed", "members that failed to join", "", fleet.failures());
            if (stopped != null) {
                r.note("stopped", stopped);
            }
            if (firstAnomaly != null) {
                r.note("first_anomaly", firstAnomaly);
            }
            target.finish(r);
            return done && anomalies == 0 && fleet.failures() == 0 ? 0 : 1;
        } finally {
            sampler.shutdownNow();
        }
    }
}

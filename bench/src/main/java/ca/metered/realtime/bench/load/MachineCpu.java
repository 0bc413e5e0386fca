package ca.metered.realtime.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the whole machine spent busy, from the first line of {@code /proc/stat}: set against
 * the server's and the generator's own CPU it shows how much other processes took during a
 * measurement — on a shared machine, the figure that says whether a run can be trusted.
 *
 * <p>Stateless; thread-safe.
 */
public final class MachineCpu {
    private MachineCpu() {
    }

    /** Busy CPU time of all cores since boot (everything but idle and iowait), in nanoseconds. */
    public static long busyNanos() {
        String first;
        try {
            first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] f = first.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal …
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return (total - idle) * ServerProcess.nanosPerTick();
    }

    /** The 1-minute load average. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

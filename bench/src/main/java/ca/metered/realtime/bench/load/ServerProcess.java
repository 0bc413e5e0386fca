package ca.metered.realtime.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the generator reads about the server under test, from outside the process as an operator
 * would: CPU time and resident memory from {@code /proc/<pid>}, and for a JVM the live heap
 * after a full GC through {@code jcmd}. The same figures for every server, whatever its
 * language.
 *
 * <p>Thread-safe (stateless reads).
 */
public final class ServerProcess {
    private static final long NANOS_PER_TICK = TimeUnit.SECONDS.toNanos(1) / clockTicks();

    private final long pid;

    public ServerProcess(long pid) {
        if (!Files.isDirectory(Path.of("/proc", Long.toString(pid)))) {
            throw new IllegalArgumentException("no process " + pid + " (/proc/" + pid + " missing)");
        }
        this.pid = pid;
    }

    /** Length of one clock tick of {@code /proc} CPU times. */
    static long nanosPerTick() {
        return NANOS_PER_TICK;
    }

    public static ServerProcess self() {
        return new ServerProcess(ProcessHandle.current().pid());
    }

    public long pid() {
        return pid;
    }

    /** User plus system CPU time consumed so far, all threads (10 ms resolution on most kernels). */
    public long cpuNanos() {
        return userNanos() + systemNanos();
    }

    /** CPU time in user mode (the server's own code). */
    public long userNanos() {
        return statField(11); // utime, field 14 of proc(5)
    }

    /** CPU time in the kernel on the process's behalf (system calls: the network stack). */
    public long systemNanos() {
        return statField(12); // stime, field 15
    }

    /**
     * CPU time so far of the JVM's JIT compiler threads (HotSpot names them {@code C1
     * CompilerThread<n>} and {@code C2 CompilerThread<n>}), user plus system; empty for a process
     * without them (not a HotSpot JVM, or one that interprets only). A compiler thread that has
     * exited (HotSpot stops extra ones when their queue is empty) no longer counts, so the
     * difference of two reads is a lower bound when more than one thread per compiler runs.
     */
    public OptionalLong compilerNanos() {
        long nanos = 0;
        boolean found = false;
        for (ThreadGroupCpu g : cpuByThreadGroup()) {
            // comm is cut to 15 bytes: "C2 CompilerThre".
            if (g.name().equals("C1 CompilerThre") || g.name().equals("C2 CompilerThre")) {
                nanos += g.cpuNanos();
                found = true;
            }
        }
        return found ? OptionalLong.of(nanos) : OptionalLong.empty();
    }

    /** CPU time so far of the threads that share a name but for their number ({@link #groupOf}). */
    public record ThreadGroupCpu(String name, int threads, long userNanos, long systemNanos) {
        public long cpuNanos() {
            return userNanos + systemNanos;
        }
    }

    /**
     * The process's live threads by group, from {@code /proc/<pid>/task/*}: Netty's event loops,
     * the JIT's compiler threads, the GC's workers each add up to one row. Most CPU first. A
     * thread that has exited no longer counts.
     */
    public List<ThreadGroupCpu> cpuByThreadGroup() {
        Map<String, long[]> groups = new TreeMap<>();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads) {
                try {
                    String name = Files.readString(thread.resolve("comm"), StandardCharsets.US_ASCII).strip();
                    String stat = Files.readString(thread.resolve("stat"), StandardCharsets.US_ASCII);
                    long[] g = groups.computeIfAbsent(groupOf(name), k -> new long[3]);
                    g[0]++;
                    g[1] += statTicks(stat, 11); // utime
                    g[2] += statTicks(stat, 12); // stime
                } catch (NoSuchFileException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("process " + pid + " is gone?", e);
        }
        List<ThreadGroupCpu> out = new ArrayList<>();
        groups.forEach((name, g) -> out.add(new ThreadGroupCpu(name, (int) g[0], g[1] * NANOS_PER_TICK, g[2] * NANOS_PER_TICK)));
        out.sort(Comparator.comparingLong(ThreadGroupCpu::cpuNanos).reversed());
        return out;
    }

    /**
     * A thread's group: its name without the number that tells it from its siblings
     * ({@code GC Thread#1}, {@code rms-webhook-2}, {@code multiThreadIoEventLoopGroup-3-1}).
     */
    static String groupOf(String threadName) {
        return threadName.replaceAll("(#\\d+|-?\\d+(-\\d+)?)$", "");
    }

    private long statField(int indexAfterName) {
        return statTicks(read("stat"), indexAfterName) * NANOS_PER_TICK;
    }

    /** A field of a {@code stat} file, counted from the first one after the command name. */
    static long statTicks(String stat, int indexAfterName) {
        // The command name is in parentheses and may contain spaces (and parentheses).
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[indexAfterName]);
    }

    /** Resident set size now ({@code VmRSS}). */
    public long rssBytes() {
        return statusKb("VmRSS:") * 1024;
    }

    /** Peak resident set size since the process started ({@code VmHWM}). */
    public long peakRssBytes() {
        return statusKb("VmHWM:") * 1024;
    }

    /**
     * Waits (at most {@code max}) until the process uses less than {@code cores} over a one-second
     * sample — e.g. until a JVM's compiler queue has drained between rounds; returns the seconds waited.
     */
    public double awaitIdle(double cores, java.time.Duration max) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        while (System.nanoTime() < deadline) {
            long c0 = cpuNanos();
            Thread.sleep(1000);
            if (cpuNanos() - c0 < cores * TimeUnit.SECONDS.toNanos(1)) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    public int threads() {
        return (int) statusKb("Threads:");
    }

    /**
     * The live heap of a JVM: {@code jcmd <pid> GC.class_histogram} runs a full GC and totals the
     * reachable objects. Empty when the process is not a JVM we can attach to.
     */
    public OptionalLong liveHeapBytes() {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                return OptionalLong.empty();
            }
            for (String line : out.split("\n")) {
                String t = line.trim();
                if (t.startsWith("Total ")) {
                    String[] parts = t.split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[2]));
                }
            }
            return OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    private long statusKb(String key) {
        for (String line : read("status").split("\n")) {
            if (line.startsWith(key)) {
                String v = line.substring(key.length()).trim();
                int sp = v.indexOf(' ');
                return Long.parseLong(sp < 0 ? v : v.substring(0, sp));
            }
        }
        throw new IllegalStateException("/proc/" + pid + "/status has no " + key);
    }

    private String read(String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("process " + pid + " is gone?", e);
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100; // the Linux default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}

package ca.metered.realtime.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged {@code rms.jar} run as a real process (failsafe runs after {@code package}).
 * Stdout lines are queued by a reader thread so waits are deadline-bounded; stderr goes to a file.
 */
final class RmsProcess implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final String EOF = "\u0000EOF";

    final Process process;
    final Path stderr;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private RmsProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process gone
            } finally {
                lines.add(EOF);
            }
        }, "rms-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        Path jar = Path.of("target", "rms.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests through 'mvn verify'");
        }
        return jar;
    }

    static RmsProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        return startWrapped(workDir, env, List.of(), args);
    }

    /**
     * Like {@link #start} with {@code wrapper} in front of the java command, e.g.
     * {@code prlimit --nofile=1024:1024 --} to run the server under a low descriptor limit.
     */
    static RmsProcess startWrapped(Path workDir, Map<String, String> env, List<String> wrapper, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(workDir, "rms-stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile()).directory(workDir.toFile());
        pb.environment().putAll(env);
        return new RmsProcess(pb.start(), err);
    }

    /** Runs {@code command} with exactly {@code env} as its environment (nothing inherited). */
    static RmsProcess startIsolated(Path workDir, Map<String, String> env, List<String> command) throws IOException {
        Path err = Files.createTempFile(workDir, "rms-stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile()).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return new RmsProcess(pb.start(), err);
    }

    /** The first stdout line matching {@code p}, waiting up to {@link #WAIT}. */
    String awaitLine(Predicate<String> p) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || EOF.equals(line)) {
                throw new AssertionError("no matching stdout line; saw " + seen + "; stderr: " + stderrText());
            }
            seen.add(line);
            if (p.test(line)) {
                return line;
            }
        }
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("rms did not exit within " + WAIT + "; stderr: " + stderrText());
        }
        return process.exitValue();
    }

    String stderrText() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

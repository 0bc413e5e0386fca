package ca.metered.realtime.server.it;

import ca.metered.realtime.server.RmsNode;
import ca.metered.realtime.server.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A node in a process of its own, on this test JVM's class path: what a test kills with
 * SIGKILL to see a node crash (no shutdown, no goodbye to Redis). {@link #main} is the child.
 */
public final class NodeProcess implements AutoCloseable {
    private static final String READY = "rms node listening on ";

    private final Process process;
    private final String url;

    private NodeProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts a node with the configuration {@code yaml} (with its {@code cluster} section) and waits until it listens. */
    public static NodeProcess start(String yaml) {
        try {
            Path config = Files.createTempFile("rms-node", ".yaml");
            Files.writeString(config, yaml);
            config.toFile().deleteOnExit();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    NodeProcess.class.getName(), config.toString())
                    .redirectErrorStream(true)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>();
                try {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.startsWith(READY)) {
                            return line.substring(READY.length()).trim();
                        }
                        if (last.size() == 20) {
                            last.removeFirst();
                        }
                        last.add(line);
                    }
                    throw new IllegalStateException("node process exited before listening; its last lines:\n"
                            + String.join("\n", last));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            String url = ready.get(60, TimeUnit.SECONDS);
            // Keep draining its output so it never blocks on a full pipe.
            CompletableFuture.runAsync(() -> {
                try {
                    while (out.readLine() != null) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
            return new NodeProcess(p, url);
        } catch (Exception e) {
            throw new IllegalStateException("node process did not start", e);
        }
    }

    /** Base URL, e.g. {@code ws://127.0.0.1:12345}. */
    public String url() {
        return url;
    }

    /** SIGKILL: the node stops at once, as in a crash. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }

    /** The child: runs a node until killed. */
    public static void main(String[] args) throws Exception {
        RmsNode node = RmsNode.start(ConfigLoader.parse(Files.readString(Path.of(args[0])), Map.of()));
        System.out.println(READY + node.url());
        System.out.flush();
        Thread.currentThread().join();
    }
}

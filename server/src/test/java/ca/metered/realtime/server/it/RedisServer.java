package ca.metered.realtime.server.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A throwaway {@code redis-server} on a free loopback port, without persistence, for tests.
 * {@code scripts/install-test-deps.sh} installs the binary. Stop it with {@link #close()};
 * {@link #restart()} keeps the port, losing all data as a real restart without persistence does.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final java.util.List<String> extraArgs;
    private Process process;

    private RedisServer(int port, java.util.List<String> extraArgs) {
        this.port = port;
        this.extraArgs = extraArgs;
    }

    public static RedisServer start() {
        return start(new String[0]);
    }

    /** Starts with extra {@code redis-server} arguments, e.g. {@code --requirepass pw}. */
    public static RedisServer start(String... extraArgs) {
        RedisServer r = new RedisServer(freePort(), java.util.List.of(extraArgs));
        r.launch();
        return r;
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Stops the server (SIGKILL-like: no goodbye to clients). */
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public void launch() {
        try {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("redis-server", "--port",
                    Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--protected-mode", "no"));
            cmd.addAll(extraArgs);
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server not found; run scripts/install-test-deps.sh", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        // With --requirepass an unauthenticated PING answers -NOAUTH: up all the same.
        while (!isUp(command("PING"))) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            LockSupport.parkNanos(20_000_000);
        }
    }

    private static boolean isUp(String pingReply) {
        return pingReply != null && (pingReply.equals("+PONG") || pingReply.startsWith("-NOAUTH"));
    }

    /** Sends several inline commands on one connection; returns the reply line of the last. */
    public String commands(String... inline) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String reply = null;
            for (String c : inline) {
                s.getOutputStream().write((c + "\r\n").getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                reply = in.readLine();
            }
            return reply;
        } catch (IOException e) {
            return null;
        }
    }

    public void restart() {
        stop();
        launch();
    }

    /** Sends one inline command and returns the first reply line, or null when unreachable. */
    public String command(String inline) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\r') {
                b.append((char) c);
            }
            return b.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Subscribers of a topic as {@code PUBSUB NUMSUB} counts them (one per subscribed connection). */
    public long numsub(String topic) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            s.getOutputStream().write(("PUBSUB NUMSUB " + topic + "\r\n").getBytes(StandardCharsets.UTF_8));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(":")) {
                    return Long.parseLong(line.substring(1));
                }
            }
            throw new IllegalStateException("no NUMSUB reply");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The keys matching {@code pattern} ({@code KEYS}; test databases are small). */
    public java.util.List<String> keys(String pattern) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            s.getOutputStream().write(("KEYS " + pattern + "\r\n").getBytes(StandardCharsets.UTF_8));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String header = in.readLine();
            if (header == null || !header.startsWith("*")) {
                throw new IllegalStateException("unexpected KEYS reply " + header);
            }
            int n = Integer.parseInt(header.substring(1));
            java.util.List<String> out = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                in.readLine(); // $length
                out.add(in.readLine());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}

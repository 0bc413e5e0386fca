package ca.metered.realtime.peer.webrtc;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real coturn ({@code turnserver}, Debian package {@code coturn}) for the TURN tests, started
 * inside the test's private network namespace on the veth address, with the
 * {@code use-auth-secret} scheme rms mints credentials for (docs/turn.md). Peers in the test
 * namespace live on 10.200.0.0/24, which it is told to relay to; a production config denies
 * private ranges instead.
 */
final class Coturn implements AutoCloseable {
    static final String HOST = "10.200.0.1";
    static final String REALM = "rms.test";
    private static final Duration START = Duration.ofSeconds(20);

    final int port;
    private final Process process;
    private final Path dir;
    private final Path log;

    private Coturn(int port, Process process, Path dir, Path log) {
        this.port = port;
        this.process = process;
        this.dir = dir;
        this.log = log;
    }

    /**
     * Starts coturn with {@code static-auth-secret = secret} (and {@code extraArgs}) and waits
     * until it answers STUN.
     */
    static Coturn start(String secret, String... extraArgs) throws IOException, InterruptedException {
        int port = freePort();
        Path dir = Files.createTempDirectory("coturn-");
        Path log = dir.resolve("turnserver.log");
        List<String> cmd = new ArrayList<>(List.of("turnserver",
                "-n", // no config file: everything is on this command line
                "--listening-ip=" + HOST, "--relay-ip=" + HOST, "--listening-port=" + port,
                "--min-port=49152", "--max-port=49352",
                "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=" + REALM,
                "--allowed-peer-ip=10.200.0.0-10.200.0.255",
                "--no-tls", "--no-dtls", "--no-cli",
                "--userdb=" + dir.resolve("turndb"), "--pidfile=" + dir.resolve("turnserver.pid"),
                "--log-file=" + log, "--simple-log", "--verbose"));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Coturn coturn = new Coturn(port, p, dir, log);
        try {
            coturn.awaitStun();
        } catch (IOException | RuntimeException | Error e) {
            coturn.close();
            throw e;
        }
        return coturn;
    }

    /** The TURN URL for clients (UDP). */
    String turnUrl() {
        return "turn:" + HOST + ":" + port + "?transport=udp";
    }

    /** Everything coturn logged so far. */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Sends STUN Binding requests until one is answered (RFC 5389 section 6), within a deadline. */
    private void awaitStun() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        byte[] request = new byte[20];
        request[1] = 0x01; // Binding request, length 0
        request[4] = 0x21;
        request[5] = 0x12;
        request[6] = (byte) 0xA4;
        request[7] = 0x42; // magic cookie
        for (int i = 8; i < 20; i++) {
            request[i] = (byte) ThreadLocalRandom.current().nextInt(256);
        }
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(HOST), 0))) {
            s.setSoTimeout(200);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("turnserver exited with " + process.exitValue() + ":\n" + output());
                }
                s.send(new DatagramPacket(request, request.length, InetAddress.getByName(HOST), port));
                byte[] buf = new byte[512];
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(reply);
                    if (reply.getLength() >= 20 && buf[0] == 0x01 && buf[1] == 0x01) { // Binding success
                        return;
                    }
                } catch (SocketTimeoutException notYet) {
                    // not listening yet: ask again
                }
            }
        }
        throw new AssertionError("turnserver did not answer STUN on " + HOST + ":" + port + " within " + START
                + ":\n" + output());
    }

    private String output() {
        try {
            return log() + Files.readString(dir.resolve("stdout.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return log();
        }
    }

    /** A port free for both UDP and TCP on {@link #HOST} (the namespace holds nothing else). */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(HOST), port))) {
                    return port;
                } catch (IOException taken) {
                    // UDP side in use: try another
                }
            }
        }
        throw new IOException("no free port on " + HOST);
    }

    /** Stops coturn and deletes its directory (log included: failures quote it before this). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("coturn: could not delete " + dir + ": " + e);
        }
    }
}

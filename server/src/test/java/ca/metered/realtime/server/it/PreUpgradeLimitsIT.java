package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Connections that have not upgraded cost the server a descriptor and a little memory, so they
 * are bounded in time and number: a request must arrive complete within
 * {@code connections.requestTimeout} (10 s by default) of the connect or of the previous
 * response, an error response closes the connection, each address may hold at most
 * {@code connections.maxPendingPerIp} of them, and past {@code connections.maxPending} the oldest
 * idle one is evicted for a new one.
 */
class PreUpgradeLimitsIT {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void idleSlowAndErroredConnectionsAreClosed() throws Exception {
        try (TestServer server = TestServer.start();
                RawHttp idle = RawHttp.connect(server.port());
                RawHttp partial = RawHttp.connect(server.port());
                RawHttp slowloris = RawHttp.connect(server.port());
                RawHttp keptAlive = RawHttp.connect(server.port());
                RawHttp malformed = RawHttp.connect(server.port());
                RawHttp notFound = RawHttp.connect(server.port())) {
            ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
            try {
                long start = System.nanoTime();
                partial.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
                slowloris.send("GET /healthz HTTP/1.1\r\n");
                int[] n = {0};
                drip.scheduleAtFixedRate(() -> {
                    try {
                        slowloris.socket().getOutputStream().write(("X-Drip-" + n[0]++ + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException closed) {
                        // the server hung up: what the test expects eventually
                    }
                }, 1, 1, TimeUnit.SECONDS);
                assertThat(keptAlive.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(200);

                // errors close at once
                assertThat(malformed.exchange("GET /\u0001bad HTTP/1.1\r\nHost\r\n\r\n").status()).isEqualTo(400);
                assertThat(malformed.awaitEof(Duration.ofSeconds(3))).as("closed after 400").isTrue();
                RawHttp.Response res = notFound.exchange("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(res.status()).isEqualTo(404);
                assertThat(res.header("connection")).isEqualTo("close");
                assertThat(notFound.awaitEof(Duration.ofSeconds(3))).as("closed after 404").isTrue();

                // the others are still open well into the timeout
                for (RawHttp c : List.of(idle, partial, slowloris, keptAlive)) {
                    assertThat(c.awaitEof(Duration.ofSeconds(1))).as("closed before the timeout").isFalse();
                }
                assertThat(System.nanoTime() - start).as("checked before the timeout")
                        .isLessThan(DEFAULT_TIMEOUT.minusSeconds(2).toNanos());
                // ... and all closed by it (slowloris included, although it keeps sending)
                for (RawHttp c : List.of(idle, partial, slowloris, keptAlive)) {
                    assertThat(c.awaitEof(DEFAULT_TIMEOUT.plusSeconds(5))).as("closed by the timeout").isTrue();
                }
                assertThat(System.nanoTime() - start).isGreaterThan(DEFAULT_TIMEOUT.minusSeconds(1).toNanos());
                assertThat(n[0]).as("slowloris kept sending").isGreaterThan(5);
            } finally {
                drip.shutdownNow();
            }
        }
    }

    @Test
    void oneAddressMayHoldOnlyMaxPendingPerIpUnupgradedConnections() throws Exception {
        // Loopback is a trusted proxy by default and so not limited per address: trust nobody.
        String yaml = TestServer.DEFAULT_YAML.replace("  port: 0\n", "  port: 0\n  trustedProxies: []\n");
        List<Socket> held = new ArrayList<>();
        try (TestServer server = TestServer.start(yaml)) {
            for (int i = 0; i < 64; i++) {
                held.add(connect("127.0.0.1", server.port()));
            }
            // all 64 are held: a request on the last one is answered
            assertThat(get(held.get(63), "/healthz")).startsWith("HTTP/1.1 200");
            try (Socket extra = connect("127.0.0.1", server.port())) {
                assertThat(eof(extra, Duration.ofSeconds(3))).as("65th connection from one address refused").isTrue();
            }
            // another address is not affected
            try (Socket other = connect("127.0.0.2", server.port())) {
                assertThat(get(other, "/healthz")).startsWith("HTTP/1.1 200");
            }
            // and once the address holds fewer, it is served again
            held.remove(0).close();
            held.remove(0).close();
            awaitServed(server.port());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void pastMaxPendingTheOldestIdleConnectionIsEvicted() throws Exception {
        String yaml = TestServer.DEFAULT_YAML.replace("  port: 0\n", "  port: 0\n  connections:\n    maxPending: 16\n");
        List<Socket> held = new ArrayList<>();
        try (TestServer server = TestServer.start(yaml)) {
            for (int i = 0; i < 16; i++) {
                // a request on each before the next connects: the server admits them in this order
                held.add(connect("127.0.0.1", server.port()));
                assertThat(get(held.get(i), "/healthz")).startsWith("HTTP/1.1 200");
            }
            // a new connection is served; the oldest idle one made room
            try (Socket probe = connect("127.0.0.1", server.port())) {
                assertThat(get(probe, "/healthz")).startsWith("HTTP/1.1 200");
            }
            assertThat(eof(held.get(0), Duration.ofSeconds(3))).as("oldest evicted").isTrue();
            // an upgraded client is not pending and so never evicted
            try (WsClient ws = server.client()) {
                for (int i = 0; i < 20; i++) {
                    held.add(connect("127.0.0.1", server.port()));
                }
                ws.sendJson("type", "ping", "requestId", "p");
                ws.expect("pong");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void atCapacityHealthProbesAreStillAnsweredFromTheReserve() throws Exception {
        long fdLimit = ((com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        int capacity = 40;
        String yaml = TestServer.DEFAULT_YAML.replace("  port: 0\n",
                "  port: 0\n  connections:\n    fdReserve: " + (fdLimit - capacity) + "\n");
        List<WsClient> clients = new ArrayList<>();
        try (TestServer server = TestServer.start(yaml)) {
            for (int i = 0; i < capacity; i++) {
                clients.add(server.client());
            }
            // every connection the budget allows is an upgraded client: nothing to evict
            try (Socket probe = connect("127.0.0.1", server.port())) {
                assertThat(get(probe, "/healthz")).startsWith("HTTP/1.1 200");
            }
            try (Socket probe = connect("127.0.0.1", server.port())) {
                assertThat(get(probe, "/readyz")).startsWith("HTTP/1.1 200");
            }
            try (RawHttp upgrade = RawHttp.connect(server.port())) {
                RawHttp.Response res = upgrade.exchange("GET /v1?key=" + TestServer.PK + " HTTP/1.1\r\nHost: x\r\n"
                        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
                assertThat(res.status()).as("no upgrade from the reserve").isEqualTo(503);
            }
            WsClient last = clients.get(capacity - 1);
            last.sendJson("type", "ping", "requestId", "p");
            last.expect("pong");
            // when a client leaves, a new one is let in again
            clients.remove(0).close();
            server.awaitSessionCount(capacity - 1);
            long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
            while (server.server().openConnections() > capacity - 1) {
                assertThat(System.nanoTime()).as("connection released").isLessThan(deadline);
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // polling with a deadline
            }
            clients.add(server.client());
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private static void awaitServed(int port) throws Exception {
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        while (true) {
            try (Socket s = connect("127.0.0.1", port)) {
                if (get(s, "/healthz").startsWith("HTTP/1.1 200")) {
                    return;
                }
            } catch (IOException | IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("never served again", e);
                }
            }
        }
    }

    static Socket connect(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(localAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        return s;
    }

    /** One GET on the socket; the status line, or fails at EOF. */
    static String get(Socket s, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = s.getInputStream().read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        if (c < 0) {
            throw new IllegalStateException("EOF instead of a response");
        }
        return line.toString().trim();
    }

    static boolean eof(Socket s, Duration within) throws IOException {
        return RawHttp.awaitEof(s, s.getInputStream(), within);
    }
}

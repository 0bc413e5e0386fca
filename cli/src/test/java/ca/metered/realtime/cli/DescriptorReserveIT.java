package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network probe's descriptor exhaustion, against the packaged server under a 1,024 open
 * files limit: 1,100 idle TCP connections and 50 slowloris requests (a header a second) are
 * held open while {@code /healthz} and a real WebSocket client must still be served; then every
 * one of those connections must be closed by the server, the held ones by the request timeout.
 * Runs with the default {@code server.connections} settings.
 */
class DescriptorReserveIT {
    private static final Pattern LISTENING = Pattern.compile("rms listening on ws://127\\.0\\.0\\.1:(\\d+)");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10); // the default
    private static final int IDLE = 1100;
    private static final int SLOWLORIS = 50;

    @TempDir
    Path dir;

    @Test
    void healthChecksAndWebSocketClientsAreServedWhileIdleAndSlowConnectionsExhaustTheLimit() throws Exception {
        Path config = dir.resolve("rms.yaml");
        Files.writeString(config, TokenCommandTest.YAML);
        try (RmsProcess rms = RmsProcess.startWrapped(dir, Map.of(), List.of("prlimit", "--nofile=1024:1024", "--"),
                "serve", "--config", config.toString());
                Selector selector = Selector.open()) {
            Matcher m = LISTENING.matcher(rms.awaitLine(l -> l.startsWith("rms listening on ")));
            assertThat(m.find()).isTrue();
            int port = Integer.parseInt(m.group(1));

            Map<SocketChannel, Long> openedAt = new HashMap<>();
            List<SocketChannel> slow = new ArrayList<>();
            for (int i = 0; i < IDLE + SLOWLORIS; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ);
                openedAt.put(ch, System.nanoTime());
                if (i >= IDLE) {
                    ch.write(ByteBuffer.wrap("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
                    slow.add(ch);
                }
            }
            Map<SocketChannel, Long> closedAfter = new HashMap<>();
            poll(selector, openedAt, closedAfter, Duration.ofMillis(500));
            int heldBeforeProbes = openedAt.size() - closedAfter.size();

            // while the server holds what it can of them: health checks and a WebSocket client are served
            for (int i = 0; i < 5; i++) {
                assertThat(healthz(port)).as("healthz #%d", i).startsWith("HTTP/1.1 200");
                drip(slow, i);
            }
            ServeIT.Client client = ServeIT.Client.connect(URI.create("ws://127.0.0.1:" + port + "/v1?key=pk_live_demo"));
            assertThat(client.next()).contains("\"type\":\"welcome\"");
            client.sendText("{\"type\":\"ping\",\"requestId\":\"p\"}");
            assertThat(client.next()).contains("\"type\":\"pong\"");
            assertThat(healthz(port)).startsWith("HTTP/1.1 200");

            // then every idle and slow connection is closed, the last ones by the request timeout
            long deadline = System.nanoTime() + REQUEST_TIMEOUT.plusSeconds(10).toNanos();
            int round = 0;
            while (closedAfter.size() < openedAt.size() && System.nanoTime() < deadline) {
                drip(slow, round++);
                poll(selector, openedAt, closedAfter, Duration.ofSeconds(1));
            }
            long longest = closedAfter.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("DescriptorReserveIT: %d of %d idle/slow connections still open after 0.5 s (held, or in"
                    + " the accept backlog); %d closed by the server, the last after %.1f s%n", heldBeforeProbes,
                    openedAt.size(), closedAfter.size(), longest / 1e9);
            assertThat(heldBeforeProbes).as("connections the server held at first").isGreaterThan(100);
            assertThat(closedAfter).as("connections closed by the server").hasSize(openedAt.size());
            assertThat(Duration.ofNanos(longest)).as("the last ones lived until the request timeout")
                    .isGreaterThan(REQUEST_TIMEOUT.minusSeconds(1))
                    .isLessThan(REQUEST_TIMEOUT.plusSeconds(8));
            // the upgraded client is unaffected
            client.sendText("{\"type\":\"ping\",\"requestId\":\"q\"}");
            assertThat(client.next()).contains("\"type\":\"pong\"");
            assertThat(rms.stderrText()).as("server stderr").doesNotContain("\tat ").doesNotContain("Too many open files");
        }
    }

    /** One header line on every slowloris connection still open. */
    private static void drip(List<SocketChannel> slow, int n) {
        for (SocketChannel ch : slow) {
            try {
                ch.write(ByteBuffer.wrap(("X-Drip-" + n + ": a\r\n").getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException closed) {
                // closed by the server: counted by poll()
            }
        }
    }

    /** Records connections the server has closed (EOF or reset), with how long they lived. */
    private static void poll(Selector selector, Map<SocketChannel, Long> openedAt, Map<SocketChannel, Long> closedAfter,
            Duration wait) throws IOException {
        long end = System.nanoTime() + wait.toNanos();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            selector.select(Math.max(1, left / 1_000_000));
            for (SelectionKey key : selector.selectedKeys()) {
                SocketChannel ch = (SocketChannel) key.channel();
                int n;
                try {
                    buf.clear();
                    n = ch.read(buf);
                } catch (IOException reset) {
                    n = -1;
                }
                if (n < 0) {
                    closedAfter.put(ch, System.nanoTime() - openedAt.get(ch));
                    key.cancel();
                    ch.close();
                }
            }
            selector.selectedKeys().clear();
        }
    }

    /** GET /healthz on a fresh connection; the status line. */
    private static String healthz(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }
}

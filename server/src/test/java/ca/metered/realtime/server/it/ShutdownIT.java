package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import ca.metered.realtime.server.connection.Connection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 8: graceful shutdown. */
class ShutdownIT {

    @Test
    void stopSendsGoingAwayWithASpreadRetryThenCloses1001AndRefusesNewConnections() throws Exception {
        TestServer server = TestServer.start();
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            WsClient c = server.client();
            c.subscribe("shutdown-room");
            clients.add(c);
        }
        // let the presence deltas settle so going_away is the next frame of every client: a
        // message goes out after every delta decided before it (they may wait in the channel's
        // presence window, docs/protocol.md 2.3)
        try (WsClient publisher = server.client()) {
            publisher.sendJson("type", "publish", "channel", "shutdown-room", "data", "settle", "requestId", "p");
            publisher.expect("ack");
        }
        for (WsClient c : clients) {
            c.skipUntil("message");
            c.expectNothingPending();
        }
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.server().stop());
        for (WsClient c : clients) {
            JsonNode g = c.next();
            assertThat(g.path("type").asText()).as("frame %s", g).isEqualTo("going_away");
            assertThat(g.path("retryAfterMs").isNumber()).isTrue();
            assertThat(g.path("retryAfterMs").asLong()).isBetween(1000L, 5000L);
            WsClient.Close close = c.awaitClose();
            assertThat(close.code()).isEqualTo(1001);
            // between going_away and its own close a client may still see other peers leave
            assertThat(c.drainFrames()).allSatisfy(f -> {
                assertThat(f.path("type").asText()).isEqualTo("presence");
                assertThat(f.path("joined").size()).isZero();
            });
        }
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(server.connections()).isEmpty();
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", server.port()), 2000))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void whileDrainingReadyzIs503AndUpgradesAreRefused() throws Exception {
        // A stalled connection (it reads nothing and its socket buffers are full) keeps the drain
        // going until the server force-closes it, which gives a deterministic drain window.
        TestServer server = TestServer.start(TestServer.singleApp("outboundBufferBytes: 67108864",
                "messageRate: 100000\nmessageBurst: 100000"));
        WsClient healthy = WsClient.connect(server.keyUri(TestServer.PK));
        String healthyId = healthy.expect("welcome").path("peerId").asText();
        RawWs stalled = RawWs.open(server.port(), "/v1?key=" + TestServer.PK, 4096);
        stalled.sendText("{\"type\":\"subscribe\",\"channel\":\"fill\",\"requestId\":\"s\"}");
        server.awaitSessionCount(2);
        Connection stalledSession = server.connections().stream()
                .filter(s -> !s.peerId().equals(healthyId)).findFirst().orElseThrow();
        try (WsClient pub = server.client()) {
            // queuedBytes counts bytes not yet written to the socket, including writes still in the
            // event loop's task queue; 32 messages' worth cannot be a transient backlog of one publish
            String chunk = "\"" + "f".repeat(16 * 1024) + "\"";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int n = 0;
            while (stalledSession.queuedBytes() < 512 * 1024) {
                assertThat(System.nanoTime()).as("stalled socket never filled").isLessThan(deadline);
                pub.send("{\"type\":\"publish\",\"channel\":\"fill\",\"requestId\":\"f" + n + "\",\"data\":" + chunk + "}");
                pub.expect("ack");
                n++;
            }
        }
        long drainStart = System.nanoTime();
        try (Socket probe = keepAlive(server.port()); Socket upgrade = keepAlive(server.port())) {
            assertThat(get(probe, "/readyz")).startsWith("HTTP/1.1 200");
            assertThat(get(upgrade, "/healthz")).startsWith("HTTP/1.1 200");
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.server().stop());
            assertThat(healthy.skipUntil("going_away").path("retryAfterMs").asLong()).isBetween(1000L, 5000L);
            // now draining: the stalled session is still there
            assertThat(server.connections()).contains(stalledSession);
            String readyz = get(probe, "/readyz");
            assertThat(readyz).startsWith("HTTP/1.1 503").contains("draining");
            String refused = request(upgrade, "GET /v1?key=" + TestServer.PK + " HTTP/1.1\r\nHost: x\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            assertThat(refused).startsWith("HTTP/1.1 503");
            assertThat(healthy.awaitClose().code()).isEqualTo(1001);
            stopped.get(15, TimeUnit.SECONDS);
            // the drain waited for the stalled connection (forced closed after its close frame could not be sent)
            assertThat(System.nanoTime() - drainStart).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1500));
            assertThat(server.connections()).isEmpty();
            assertThat(stalled.awaitEof()).isTrue();
        } finally {
            stalled.close();
        }
    }

    private static Socket keepAlive(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String get(Socket s, String path) throws Exception {
        return request(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    /** Sends one request and reads one response (status, headers and a Content-Length body). */
    private static String request(Socket s, String raw) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder head = new StringBuilder();
        int length = 0;
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            head.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            int r = in.read(body, read, length - read);
            if (r < 0) {
                break;
            }
            read += r;
        }
        return head + "\n" + new String(body, 0, read);
    }
}

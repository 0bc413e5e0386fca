package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Client mistakes cost the server one DEBUG line each, never a stack trace or a WARN per
 * mistake: the bad inputs of the network probe (truncated bodies, bad and old-draft upgrades,
 * malformed requests, corrupt frames, resets) are sent while a Logback appender records
 * everything the server logs.
 */
class ClientErrorLoggingIT {
    static final String CLIENT_ERRORS = "ca.metered.realtime.server.transport.ClientErrors";
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger clientErrors = (Logger) LoggerFactory.getLogger(CLIENT_ERRORS);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previous;
    private TestServer server;

    @BeforeEach
    void capture() {
        server = TestServer.start();
        appender.start();
        root.addAppender(appender);
        previous = clientErrors.getLevel();
        clientErrors.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() {
        server.close();
        root.detachAppender(appender);
        clientErrors.setLevel(previous);
    }

    @Test
    void theProbesBadInputsLogOneDebugLineEachAndNoStackTrace() throws Exception {
        int inputs = 0;
        for (int i = 0; i < 20; i++) {
            truncatedBody(false);
            truncatedBody(true);
            inputs += 2;
        }
        String upgrade = "GET /v1?key=" + TestServer.PK + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        for (int i = 0; i < 5; i++) {
            sendAndDrain(upgrade + "Sec-WebSocket-Version: 13\r\n\r\n"); // no key
            sendAndDrain(upgrade + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U");
            sendAndDrain(upgrade + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 8\r\n\r\n");
            sendAndDrain("GET /v1?key=%ZZ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
            sendAndDrain("\u0001\u0002 garbage\r\n\r\n");
            sendAndDrain("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
            sendAndDrain("POST /v1/channels/x/publish HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n{");
            inputs += 7;
        }
        for (int i = 0; i < 5; i++) {
            corruptFrame(new byte[] {(byte) 0x83, (byte) 0x80, 1, 2, 3, 4}); // reserved opcode 3
            corruptFrame(new byte[] {(byte) 0x81, 0x02, 'h', 'i'}); // unmasked
            corruptFrame(new byte[] {(byte) 0xc1, (byte) 0x80, 1, 2, 3, 4}); // RSV1 without an extension
            resetUpgraded();
            inputs += 4;
        }
        // the server still serves
        try (WsClient c = server.client()) {
            c.sendJson("type", "ping", "requestId", "p");
            c.expect("pong");
        }
        awaitQuiet();

        List<ILoggingEvent> events = new ArrayList<>(appender.list);
        assertThat(events).as("events with a stack trace")
                .filteredOn(e -> e.getThrowableProxy() != null)
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
        assertThat(events).as("events at WARN or above")
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
        List<ILoggingEvent> lines = events.stream().filter(e -> e.getLoggerName().equals(CLIENT_ERRORS)).toList();
        assertThat(lines).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(e.getFormattedMessage()).doesNotContain("\n");
        });
        assertThat(lines.size()).as("one line per bad input: %s", lines).isBetween(inputs * 3 / 4, inputs);
    }

    /** Waits until no event arrived for a while (connections finish closing asynchronously). */
    private void awaitQuiet() {
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        int seen = -1;
        while (appender.list.size() != seen && System.nanoTime() < deadline) {
            seen = appender.list.size();
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(300).toNanos()); // poll with a deadline
        }
    }

    private Socket open() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private static void drain(Socket s) {
        try {
            byte[] buf = new byte[4096];
            while (s.getInputStream().read(buf) >= 0) {
                // until the server closes
            }
        } catch (IOException ignored) {
            // reset or timeout: either way done
        }
    }

    private void sendAndDrain(String request) throws IOException {
        try (Socket s = open()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            drain(s);
        }
    }

    /** A REST request whose body stops short of its Content-Length, then FIN or RST. */
    private void truncatedBody(boolean reset) throws IOException {
        Socket s = open();
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/channels/x/publish HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestServer.BEARER
                + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"data\":").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        if (reset) {
            s.setSoLinger(true, 0);
        }
        s.close();
    }

    private void corruptFrame(byte[] frame) {
        try (RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK)) {
            assertThat(raw.readText()).contains("welcome");
            raw.socket().getOutputStream().write(frame);
            assertThat(raw.awaitClose().closeCode()).isEqualTo(1002);
            raw.awaitEof();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void resetUpgraded() throws IOException {
        RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK);
        assertThat(raw.readText()).contains("welcome");
        raw.sendText("{\"type\":\"subscribe\",\"channel\":\"c\",\"requestId\":\"s\"}");
        raw.socket().setSoLinger(true, 0);
        raw.close();
    }
}

package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare {@link Socket}, with the HTTP upgrade done by hand. Unlike the
 * JDK client it does nothing by itself: it answers no pings, reads only when asked and can
 * send bytes no well-behaved client would (invalid UTF-8, odd frames). Used for keepalive,
 * slow-consumer and bad-input tests.
 *
 * <p>Not thread-safe.
 */
public final class RawWs implements AutoCloseable {
    public static final int CONTINUATION = 0;
    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** One received frame. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, 1005 when it has none. */
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        public String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private RawWs(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a connection and upgrades {@code pathAndQuery}; {@code receiveBuffer} ≤ 0 keeps the default. */
    public static RawWs open(int port, String pathAndQuery, int receiveBuffer) {
        try {
            Socket s = new Socket();
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer); // before connect, so the window stays small
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout((int) WsClient.WAIT.toMillis());
            RawWs ws = new RawWs(s);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String req = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            ws.out.write(req.getBytes(StandardCharsets.US_ASCII));
            ws.out.flush();
            String head = ws.readHttpHead();
            assertThat(head).as("upgrade response").startsWith("HTTP/1.1 101");
            return ws;
        } catch (IOException e) {
            throw new IllegalStateException("raw upgrade failed", e);
        }
    }

    public static RawWs open(int port, String pathAndQuery) {
        return open(port, pathAndQuery, 0);
    }

    /** Reads the status line and headers, byte by byte so no frame after them is consumed. */
    private String readHttpHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed in the HTTP response: " + b);
            }
            b.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    public void sendText(String text) {
        sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one final, masked frame with an arbitrary payload (e.g. invalid UTF-8 as text). */
    public void sendFrame(int opcode, byte[] payload) {
        sendFrame(opcode, payload, true);
    }

    /**
     * Sends one masked frame; {@code fin = false} starts or continues a fragmented message
     * (opcode {@link #CONTINUATION} for the frames after the first).
     */
    public void sendFrame(int opcode, byte[] payload, boolean fin) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
            b.write((fin ? 0x80 : 0) | opcode);
            int len = payload.length;
            if (len < 126) {
                b.write(0x80 | len);
            } else if (len < 65536) {
                b.write(0x80 | 126);
                b.write(len >>> 8);
                b.write(len);
            } else {
                b.write(0x80 | 127);
                for (int i = 7; i >= 0; i--) {
                    b.write((int) ((long) len >>> (8 * i)));
                }
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            b.write(mask);
            for (int i = 0; i < len; i++) {
                b.write(payload[i] ^ mask[i & 3]);
            }
            out.write(b.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("send failed", e);
        }
    }

    /** The next frame (answering nothing); fails after {@link WsClient#WAIT}. */
    public Frame readFrame() {
        try {
            int b0 = in.read();
            if (b0 < 0) {
                throw new EOFException("connection closed without a close frame");
            }
            int b1 = in.read();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = (in.read() << 8) | in.read();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | in.read();
                }
            }
            byte[] payload = in.readNBytes((int) len);
            if (payload.length != len) {
                throw new EOFException("truncated frame");
            }
            return new Frame(b0 & 0x0f, payload);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + WsClient.WAIT, e);
        } catch (IOException e) {
            throw new IllegalStateException("read failed", e);
        }
    }

    /** The next text frame, skipping (not answering) pings. */
    public String readText() {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == TEXT) {
                return f.text();
            }
            assertThat(f.opcode()).as("unexpected frame opcode").isEqualTo(PING);
        }
    }

    /** Reads and discards frames (answering nothing) until the close frame, which it returns. */
    public Frame awaitClose() {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == CLOSE) {
                return f;
            }
        }
    }

    /** Whether the server closed the TCP connection (EOF) within the wait, after any frames. */
    public boolean awaitEof() {
        return RawHttp.awaitEof(socket, in, WsClient.WAIT);
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}

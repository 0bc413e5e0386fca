package ca.metered.realtime.server.it;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.x client on a bare {@link Socket}: sends exactly the bytes a test writes (malformed
 * requests, old WebSocket drafts, slow headers) and reads one response at a time, so tests can
 * see what the server answers and whether it then closes the connection.
 *
 * <p>Not thread-safe.
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** One response: status, headers (names lower-cased) and the {@code Content-Length} body. */
    public record Response(int status, String statusLine, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout((int) WsClient.WAIT.toMillis());
            return new RawHttp(s);
        } catch (IOException e) {
            throw new IllegalStateException("connect failed", e);
        }
    }

    /** Sends {@code text} as US-ASCII (or Latin-1 for bytes above 0x7F). */
    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("send failed", e);
        }
    }

    /** Sends and reads the response. */
    public Response exchange(String request) {
        send(request);
        return readResponse();
    }

    /** Reads one response; fails after {@link WsClient#WAIT} or at EOF. */
    public Response readResponse() {
        try {
            String statusLine = readLine();
            if (statusLine == null) {
                throw new EOFException("connection closed before a response");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String line;
            while ((line = readLine()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            List<String> length = headers.get("content-length");
            byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length.get(0)));
            String[] parts = statusLine.split(" ", 3);
            return new Response(Integer.parseInt(parts[1]), statusLine, headers, new String(body, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no response within " + WsClient.WAIT, e);
        } catch (IOException e) {
            throw new IllegalStateException("read failed", e);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
    }

    /**
     * Whether the server closed the connection (EOF or reset) within {@code within}, discarding
     * anything it sent first.
     */
    public boolean awaitEof(Duration within) {
        return awaitEof(socket, in, within);
    }

    /**
     * Whether the peer of {@code socket} closed it (EOF or reset) within {@code within},
     * discarding what {@code in} (its input, possibly buffered) delivers first.
     */
    static boolean awaitEof(Socket socket, InputStream in, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buf = new byte[4096];
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
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

package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A raw WebSocket test client on the JDK's {@code java.net.http} client: records every text
 * frame as JSON and the close code, with deadline-bounded waits (no sleeps).
 *
 * <p>Thread-safe for one test thread plus the JDK's callback thread.
 */
public final class WsClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private volatile String lastRaw;
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> pinged = new CompletableFuture<>();
    private final java.util.concurrent.Semaphore pings = new java.util.concurrent.Semaphore(0);
    private volatile WebSocket ws;
    private volatile long closedAtMillis;

    /** How the server closed the connection. */
    public record Close(int code, String reason) {
    }

    /** One received text frame: its exact text and its parse. */
    private record Frame(String raw, JsonNode json) {
    }

    /** A refused upgrade: the HTTP status and body. */
    public record Refused(int status, String body) {
    }

    private WsClient() {
    }

    public static WsClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    public static WsClient connect(URI uri, Map<String, String> headers) {
        WsClient c = new WsClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(b::header);
        try {
            c.ws = b.buildAsync(uri, c.new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("connect to " + uri + " failed", e);
        }
        return c;
    }

    /** Attempts an upgrade that the server is expected to refuse with an HTTP status. */
    public static Refused refused(URI uri, Map<String, String> headers) {
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(b::header);
        try {
            WebSocket ws = b.buildAsync(uri, new WebSocket.Listener() { }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ws.abort();
            throw new AssertionError("upgrade to " + uri + " was accepted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                Object body = h.getResponse().body();
                return new Refused(h.getResponse().statusCode(), body == null ? "" : body.toString());
            }
            throw new IllegalStateException("unexpected failure", e);
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    public void send(String text) {
        ws.sendText(text, true).join();
    }

    /** Sends a JSON object built from alternating keys and values. */
    public void sendJson(Object... kv) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            node.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        send(node.toString());
    }

    public void sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next frame, waiting up to {@link #WAIT}. */
    public JsonNode next() {
        try {
            Frame f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                throw new AssertionError("no frame within " + WAIT + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            lastRaw = f.raw();
            return f.json();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next frame if one arrives within {@code within}, else {@code null}. */
    public JsonNode poll(Duration within) {
        try {
            Frame f = frames.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                return null;
            }
            lastRaw = f.raw();
            return f.json();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next frame, asserting its type. */
    public JsonNode expect(String type) {
        JsonNode n = next();
        assertThat(n.path("type").asText()).as("frame %s", n).isEqualTo(type);
        return n;
    }

    /** The next frame must be an error with this code (and requestId, if given). */
    public JsonNode expectError(String code, String requestId) {
        JsonNode n = expect("error");
        assertThat(n.path("code").asText()).as("frame %s", n).isEqualTo(code);
        if (requestId == null) {
            assertThat(n.has("requestId")).as("uncorrelated error %s", n).isFalse();
        } else {
            assertThat(n.path("requestId").asText()).isEqualTo(requestId);
        }
        return n;
    }

    /** Subscribes and consumes the ack and the presence snapshot; returns the snapshot. */
    public JsonNode subscribe(String channel) {
        String rid = "sub-" + channel;
        sendJson("type", "subscribe", "channel", channel, "requestId", rid);
        assertThat(expect("ack").path("requestId").asText()).isEqualTo(rid);
        JsonNode snap = expect("presence");
        assertThat(snap.path("channel").asText()).isEqualTo(channel);
        return snap;
    }

    /**
     * Proves no frame is pending: sends an application ping and requires the pong to be the next
     * frame. The server answers in order, so anything queued before would come first.
     */
    public void expectNothingPending() {
        send("{\"type\":\"ping\"}");
        expect("pong");
    }

    /** Frames received but not yet consumed, removed from the queue (does not wait). */
    public java.util.List<JsonNode> drainPending() {
        return drainFrames();
    }

    /** The exact text of the frame most recently returned by {@link #next}. */
    public String lastRaw() {
        return lastRaw;
    }

    /** The next frame's exact text. */
    public String nextRaw() {
        next();
        return lastRaw;
    }

    /**
     * Skips frames until one of {@code type} arrives (for tests that do not care about
     * interleaved frames, e.g. floods); fails at the deadline.
     */
    public JsonNode skipUntil(String type) {
        while (true) {
            JsonNode n = next();
            if (type.equals(n.path("type").asText())) {
                return n;
            }
        }
    }

    /** Every frame already received and not yet consumed (for closed connections). */
    public java.util.List<JsonNode> drainFrames() {
        java.util.List<Frame> out = new java.util.ArrayList<>();
        frames.drainTo(out);
        return out.stream().map(Frame::json).toList();
    }

    /** Sends a ping and returns every frame that arrived before the pong (the barrier). */
    public java.util.List<JsonNode> drainUntilPong() {
        send("{\"type\":\"ping\"}");
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        while (true) {
            JsonNode n = next();
            if ("pong".equals(n.path("type").asText())) {
                return out;
            }
            out.add(n);
        }
    }

    /** Sends a WebSocket close with this code and waits for the server's answer. */
    public Close closeWith(int code) {
        ws.sendClose(code, "").join();
        return awaitClose();
    }

    public Close awaitClose() {
        try {
            return closed.get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + WAIT, e);
        }
    }

    /** Wall-clock time ({@link System#currentTimeMillis()}) at which the close arrived; 0 if open. */
    public long closedAtMillis() {
        return closedAtMillis;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Completes when the server sent a WebSocket ping. */
    public CompletableFuture<Void> pinged() {
        return pinged;
    }

    /** Waits for {@code n} more WebSocket pings from the server (answered by the JDK). */
    public void awaitPings(int n) {
        try {
            if (!pings.tryAcquire(n, WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("fewer than " + n + " pings within " + WAIT);
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops the connection without a close frame, as a client that loses its network. */
    public void abort() {
        ws.abort();
    }

    /** Sends one fragment of a text message. */
    public void sendPart(String text, boolean last) {
        ws.sendText(text, last).join();
    }

    /**
     * Sends a fragment unless the server has closed the connection meanwhile; returns whether it
     * was sent. For a test whose server may close before the client has sent every fragment
     * (e.g. 1009 once the parts exceed the limit): the JDK client then refuses further sends
     * ("Output closed"), which is the expected course, not a failure. Any other send failure
     * is thrown.
     */
    public boolean trySendPart(String text, boolean last) {
        try {
            ws.sendText(text, last).join();
            return true;
        } catch (java.util.concurrent.CompletionException e) {
            if (ws.isOutputClosed() || closed.isDone()) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                ws.sendClose(1000, "").get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // already gone
            }
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String raw = partial.toString();
                try {
                    frames.add(new Frame(raw, JSON.readTree(raw)));
                } catch (Exception e) {
                    frames.add(new Frame(raw, JSON.createObjectNode().put("type", "__not_json__").put("text", raw)));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pinged.complete(null);
            pings.release();
            webSocket.request(1);
            return null; // the JDK answers with a pong by itself
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedAtMillis = System.currentTimeMillis();
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Close(1006, String.valueOf(error)));
        }
    }
}

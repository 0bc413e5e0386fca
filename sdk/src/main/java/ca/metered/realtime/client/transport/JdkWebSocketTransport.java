package ca.metered.realtime.client.transport;

import ca.metered.realtime.client.internal.Scrub;
import ca.metered.realtime.client.internal.SharedResources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@link WebSocketTransport} on the JDK's {@code java.net.http} WebSocket: no extra dependency.
 * {@link #shared()} uses one {@link HttpClient} (one selector thread) and the SDK's shared fixed daemon
 * pool for every client in the process, so thousands of idle clients cost no threads each.
 *
 * <p>Thread-safe. Sends are queued (the JDK allows one outstanding send per socket); a close is
 * sent after the queued texts. Inbound
 * messages are reassembled from fragments and truncated past 1 MiB + 1 chars, which the client
 * answers with a 1009 close. A close handshake the peer does not answer within 1 s is aborted
 * and reported as 1006.
 */
public final class JdkWebSocketTransport implements WebSocketTransport {
    static final int MAX_CHARS = 1_048_577;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final long CLOSE_GRACE_MS = 1_000;

    private final HttpClient http;

    private JdkWebSocketTransport(HttpClient http) {
        this.http = http;
    }

    private static final class Shared {
        static final JdkWebSocketTransport INSTANCE = new JdkWebSocketTransport(HttpClient.newBuilder()
                .executor(SharedResources.io()).connectTimeout(CONNECT_TIMEOUT).build());
    }

    /** The process-wide default. */
    public static JdkWebSocketTransport shared() {
        return Shared.INSTANCE;
    }

    /** A transport on your own client (proxy, SSL context, executor). */
    public static JdkWebSocketTransport create(HttpClient http) {
        return new JdkWebSocketTransport(Objects.requireNonNull(http, "http"));
    }

    @Override
    public WebSocketConnection connect(URI uri, WebSocketListener listener) {
        Conn conn = new Conn(listener);
        http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT).buildAsync(uri, conn)
                .whenComplete((ws, err) -> {
                    if (err != null) {
                        conn.fireError(err);
                        conn.fireClose(1006, "connect failed");
                    } else {
                        conn.attached(ws);
                    }
                });
        return conn;
    }

    private static final class Conn implements WebSocketConnection, WebSocket.Listener {
        private final WebSocketListener listener;
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket ws;
        /** Texts waiting for the one send the JDK allows in flight; guarded by {@code this}. */
        private final ArrayDeque<String> outbox = new ArrayDeque<>();
        private boolean sending;
        private Runnable afterSends;
        private boolean closing;
        private boolean closeRequestedEarly;
        private boolean closed;

        Conn(WebSocketListener listener) {
            this.listener = listener;
        }

        synchronized void attached(WebSocket socket) {
            this.ws = socket;
            if (closeRequestedEarly) {
                socket.abort();
                fireClose(1006, "closed while connecting");
            }
        }

        @Override
        public synchronized boolean send(String text) {
            WebSocket s = ws;
            if (s == null || closing || closed || s.isOutputClosed()) {
                return false;
            }
            outbox.add(text);
            if (!sending) {
                sending = true;
                sendNext(s);
            }
            return true;
        }

        /**
         * Sends queued texts one at a time (the JDK allows one outstanding send); a send that
         * completed at once is followed in the same loop, not by recursion. Holds the lock.
         */
        private void sendNext(WebSocket s) {
            while (true) {
                String next = outbox.poll();
                if (next == null) {
                    sending = false;
                    Runnable then = afterSends;
                    afterSends = null;
                    if (then != null) {
                        then.run();
                    }
                    return;
                }
                CompletableFuture<WebSocket> f = s.sendText(next, true);
                if (f.isDone()) {
                    if (f.isCompletedExceptionally()) {
                        outbox.clear(); // the output is broken; the close path reports it
                    }
                    continue;
                }
                f.whenComplete((w, e) -> {
                    synchronized (this) {
                        if (e != null) {
                            outbox.clear();
                        }
                        sendNext(s);
                    }
                });
                return;
            }
        }

        @Override
        public synchronized void close(int code, String reason) {
            if (closing || closed) {
                return;
            }
            closing = true;
            WebSocket s = ws;
            if (s == null) {
                closeRequestedEarly = true;
                return;
            }
            Runnable sendClose = () -> s.sendClose(code, reason).exceptionally(e -> {
                s.abort();
                fireClose(1006, "close failed");
                return null;
            });
            if (sending) {
                afterSends = sendClose; // queued texts go first
            } else {
                sendClose.run();
            }
            SharedResources.timer().schedule(() -> {
                if (!isClosed()) {
                    s.abort();
                    fireClose(1006, "close handshake timed out");
                }
            }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        }

        private synchronized boolean isClosed() {
            return closed;
        }

        synchronized void fireClose(int code, String reason) {
            if (closed) {
                return;
            }
            closed = true;
            listener.onClose(code, Scrub.credentials(reason));
        }

        synchronized void fireError(Throwable t) {
            if (!closed) {
                listener.onError(t);
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            synchronized (this) {
                if (ws == null) {
                    ws = webSocket;
                }
                if (!closed) {
                    listener.onOpen();
                }
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            String text = null;
            if (last && partial.length() == 0) {
                // the common case, a message in one part: one copy, no builder
                text = data.length() <= MAX_CHARS ? data.toString() : data.subSequence(0, MAX_CHARS).toString();
            } else {
                if (partial.length() < MAX_CHARS) {
                    partial.append(data, 0, Math.min(data.length(), MAX_CHARS - partial.length()));
                }
                if (last) {
                    text = partial.toString();
                    partial.setLength(0);
                }
            }
            if (text != null) {
                synchronized (this) {
                    if (!closed) {
                        listener.onText(text);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1); // the protocol is text-only; ignore
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            fireClose(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fireError(error);
            fireClose(1006, "abnormal closure");
        }
    }
}

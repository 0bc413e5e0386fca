package ca.metered.realtime.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of the WebSocket opening handshake (RFC 6455 4.1), the only HTTP the load
 * generator speaks: it writes the upgrade request when the TCP connection is up, reads the
 * response, checks it as RFC 6455 4.1 requires (status 101, {@code Upgrade: websocket}, a
 * {@code Connection} with the {@code upgrade} token, {@code Sec-WebSocket-Accept} equal to the
 * base64 SHA-1 of this connection's key and the GUID), then puts Netty's frame encoder and the
 * {@link FrameReader} in its place and hands them whatever followed the response.
 *
 * <p>Why not Netty's client handshaker: per connection it built an HTTP client codec, an
 * aggregator, a protocol handler with its own handshake handler, a header map for the request and
 * one for the response — about 3 s of the generator's event loops per 10,000 connects (docs/
 * performance.md, "Room", round 6), CPU the server under test then does not get, on the two
 * cores they share. The request here is the same bytes Netty's handshaker sends (same headers,
 * same order; only the random key differs), so every server sees the same connect; the template
 * is built once per URL ({@link Request}).
 *
 * <p>A response that fails a check, is not complete within {@link #MAX_RESPONSE} bytes, or does
 * not arrive within the timeout fails the connection with a
 * {@link WebSocketClientHandshakeException} (the {@link Peer} then closes it). Confined to its
 * channel's event loop.
 */
final class Handshake extends ChannelInboundHandlerAdapter {
    /** RFC 6455 1.3. */
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** The most response header bytes read before giving up (servers send ~130). */
    static final int MAX_RESPONSE = 8192;

    private static final FastThreadLocal<MessageDigest> SHA1 = new FastThreadLocal<>() {
        @Override
        protected MessageDigest initialValue() throws NoSuchAlgorithmException {
            return MessageDigest.getInstance("SHA-1");
        }
    };

    private final Request request;
    private final Peer peer;
    private final int maxMessage;
    private final long timeoutMillis;
    private String expectedAccept;
    private ByteBuf received;
    private ScheduledFuture<?> timeout;

    Handshake(Request request, Peer peer, int maxMessage, long timeoutMillis) {
        this.request = request;
        this.peer = peer;
        this.maxMessage = maxMessage;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * The request's bytes for one URL, around the per-connection key: built once, copied per
     * connect. Immutable.
     */
    static final class Request {
        private final byte[] head;
        private final byte[] tail;
        private final URI uri;

        Request(URI uri) {
            if (!"ws".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("ws:// URLs only: " + uri);
            }
            this.uri = uri;
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
                path += "?" + uri.getRawQuery();
            }
            // The port only when not the scheme's default (RFC 6455 4.1, as Netty writes Host and Origin).
            String host = uri.getHost() + (uri.getPort() > 0 && uri.getPort() != 80 ? ":" + uri.getPort() : "");
            head = ("GET " + path + " HTTP/1.1\r\nhost: " + host
                    + "\r\nupgrade: websocket\r\nconnection: upgrade\r\nsec-websocket-key: ")
                    .getBytes(StandardCharsets.US_ASCII);
            tail = ("\r\norigin: http://" + host + "\r\nsec-websocket-version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        URI uri() {
            return uri;
        }

        /** The request with {@code key} (24 ASCII bytes) written into {@code out}. */
        void writeTo(ByteBuf out, byte[] key) {
            out.writeBytes(head).writeBytes(key).writeBytes(tail);
        }

        int length(int keyLength) {
            return head.length + keyLength + tail.length;
        }
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes, base64 (RFC 6455 4.1, item 7). */
    static byte[] newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encode(nonce);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer {@code key} with (RFC 6455 4.2.2, item 5.4). */
    static String acceptOf(byte[] key) {
        MessageDigest sha1 = SHA1.get();
        sha1.update(key);
        return Base64.getEncoder().encodeToString(sha1.digest(GUID.getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        byte[] key = newKey();
        expectedAccept = acceptOf(key);
        ByteBuf out = ctx.alloc().buffer(request.length(key.length));
        request.writeTo(out, key);
        ctx.writeAndFlush(out);
        if (timeoutMillis > 0) {
            timeout = ctx.executor().schedule(() -> fail(ctx, "handshake timed out after " + timeoutMillis + " ms"),
                    timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (received == null) {
            received = in;
        } else {
            // The response came in more than one read (rare): joined in a buffer of our own.
            ByteBuf joined = ctx.alloc().heapBuffer(received.readableBytes() + in.readableBytes());
            joined.writeBytes(received).writeBytes(in);
            received.release();
            in.release();
            received = joined;
        }
        int end = headerEnd(received);
        if (end < 0) {
            if (received.readableBytes() > MAX_RESPONSE) {
                fail(ctx, "no end of the response headers within " + MAX_RESPONSE + " bytes");
            }
            return;
        }
        String why = check(received.toString(received.readerIndex(), end - received.readerIndex(),
                StandardCharsets.ISO_8859_1), expectedAccept);
        if (why != null) {
            fail(ctx, why);
            return;
        }
        received.readerIndex(end + 4);
        ByteBuf rest = received;
        received = null;
        if (timeout != null) {
            timeout.cancel(false);
        }
        ChannelPipeline p = ctx.pipeline();
        p.addBefore(ctx.name(), "ws-encoder", new WebSocket13FrameEncoder(true));
        p.addAfter(ctx.name(), "ws-decoder", new FrameReader(peer, maxMessage));
        if (rest.isReadable()) {
            // What the server sent right after the 101 (e.g. its greeting) is frames already.
            ctx.fireChannelRead(rest);
        } else {
            rest.release();
        }
        p.remove(this);
    }

    /** The index of the {@code \r\n\r\n} that ends the headers, or -1. */
    static int headerEnd(ByteBuf b) {
        for (int i = b.readerIndex(), last = b.writerIndex() - 4; i <= last; i++) {
            if (b.getByte(i) == '\r' && b.getByte(i + 1) == '\n' && b.getByte(i + 2) == '\r' && b.getByte(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * What is wrong with the response {@code head} (status line and headers, without the blank
     * line) for a client that expects {@code expectedAccept}, or {@code null} if it completes the
     * handshake (RFC 6455 4.1, the client's checks 1–4; no extension or subprotocol was asked for).
     */
    static String check(String head, String expectedAccept) {
        String[] lines = head.split("\r\n", -1);
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].equals("101")) {
            return "expected 101 Switching Protocols, got: " + lines[0];
        }
        String upgrade = null;
        String connection = null;
        String accept = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                return "malformed header line: " + lines[i];
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "upgrade" -> upgrade = value;
                case "connection" -> connection = connection == null ? value : connection + "," + value;
                case "sec-websocket-accept" -> {
                    if (accept != null) {
                        return "more than one Sec-WebSocket-Accept";
                    }
                    accept = value;
                }
                case "sec-websocket-extensions", "sec-websocket-protocol" -> {
                    if (!value.isEmpty()) {
                        return "the server chose " + name + " " + value + ", which was not asked for";
                    }
                }
                default -> {
                    // other headers: nothing to check
                }
            }
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            return "Upgrade is " + upgrade + ", not websocket";
        }
        if (connection == null || !hasToken(connection, "upgrade")) {
            return "Connection is " + connection + ", without upgrade";
        }
        if (accept == null) {
            return "no Sec-WebSocket-Accept";
        }
        if (!accept.equals(expectedAccept)) {
            return "Sec-WebSocket-Accept " + accept + ", expected " + expectedAccept;
        }
        return null;
    }

    private static boolean hasToken(String list, String token) {
        for (String t : list.split(",")) {
            if (t.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        if (ctx.isRemoved()) {
            return;
        }
        if (received != null) {
            received.release();
            received = null;
        }
        ctx.fireExceptionCaught(new WebSocketClientHandshakeException(why));
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (received != null) {
            received.release();
            received = null;
        }
    }
}

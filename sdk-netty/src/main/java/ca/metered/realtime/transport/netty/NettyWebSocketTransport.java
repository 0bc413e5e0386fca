package ca.metered.realtime.transport.netty;

import ca.metered.realtime.client.transport.WebSocketConnection;
import ca.metered.realtime.client.transport.WebSocketListener;
import ca.metered.realtime.client.transport.WebSocketTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A {@link WebSocketTransport} on Netty 4.2, for processes that hold many clients or receive a
 * lot per client. Give it to {@code SignallingClientOptions.Builder.transport(...)}:
 *
 * <pre>{@code
 * SignallingClientOptions options = SignallingClientOptions.builder()
 *         .apiKey("pk_live_…").url("wss://rms.example.com")
 *         .transport(NettyWebSocketTransport.shared())
 *         .build();
 * }</pre>
 *
 * <p>Compared with the SDK's default {@code JdkWebSocketTransport} it holds no read buffer while a
 * connection is idle (a few KiB of heap per connection instead of ~60 KiB) and decodes frames
 * with fewer copies. Behaviour is the same: whole text messages up to {@value #MAX_FRAME_BYTES}
 * bytes (larger ones close the connection with 1009), binary messages ignored, pings answered,
 * sends written in call order (batched into one flush per event-loop turn), and a close handshake
 * the server does not answer within 1 s reported as 1006. {@code wss://} uses the JDK's TLS with
 * host name verification, or your {@link SslContext}.
 *
 * <p>Thread-safe. One instance (and its event loop threads) serves any number of clients; the
 * listener of a connection is called on that connection's event loop thread, never concurrently.
 * {@link #shared()} lives for the whole process (daemon threads); an instance from
 * {@link #builder()} owns its threads unless given a group, and {@link #close()} stops them.
 */
public final class NettyWebSocketTransport implements WebSocketTransport, AutoCloseable {
    /** Largest inbound text message, in bytes: the SDK's 1 Mi-character cap at up to 4 bytes each. */
    public static final int MAX_FRAME_BYTES = 4 * 1_048_576;
    static final long CLOSE_GRACE_MS = 1_000;

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final SslContext ssl;
    private final int connectTimeoutMs;

    private NettyWebSocketTransport(Builder b) {
        this.ownsGroup = b.group == null;
        this.group = b.group != null ? b.group : new MultiThreadIoEventLoopGroup(b.threads,
                new DefaultThreadFactory("rms-sdk-netty", true), NioIoHandler.newFactory());
        this.ssl = b.ssl != null ? b.ssl : defaultSsl();
        this.connectTimeoutMs = (int) b.connectTimeout.toMillis();
    }

    private static final class Shared {
        static final NettyWebSocketTransport INSTANCE = builder().build();
    }

    /** The process-wide instance: {@code max(1, cores)} daemon event-loop threads, the JDK's TLS, 10 s connect timeout. */
    public static NettyWebSocketTransport shared() {
        return Shared.INSTANCE;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static SslContext defaultSsl() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS client context available", e);
        }
    }

    @Override
    public WebSocketConnection connect(URI uri, WebSocketListener listener) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(listener, "listener");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("not a ws:// or wss:// URI");
        }
        boolean tls = scheme.equals("wss");
        String host = uri.getHost();
        int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
        NettyConnection conn = new NettyConnection(listener);
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .handleCloseFrames(false)     // NettyConnection answers and reports them itself
                .dropPongFrames(true)
                // The text is decoded (and invalid UTF-8 replaced) once, when the SDK reads it; a
                // second validating pass per frame cost ~15 % of the receive path.
                .withUTF8Validator(false)
                // Like the JDK transport and every non-browser client: no Origin header (a key with
                // allowedOrigins is meant for browsers; docs/protocol.md 6.1).
                .generateOriginHeader(false)
                .handshakeTimeoutMillis(connectTimeoutMs)
                .build();
        ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls) {
                            SSLEngine engine = ssl.newEngine(ch.alloc(), host, port);
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS"); // verify the host name
                            engine.setSSLParameters(params);
                            ch.pipeline().addLast(new SslHandler(engine));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(config),
                                new WebSocketFrameAggregator(MAX_FRAME_BYTES), conn.handler());
                    }
                })
                .connect(host, port);
        Channel channel = f.channel();
        conn.attach(channel);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                conn.connectFailed(done.cause());
            }
        });
        return conn;
    }

    /**
     * Stops the event loop threads this instance created (not a group you passed in); connections
     * still open are closed without a close handshake. Does nothing on {@link #shared()}.
     */
    @Override
    public void close() {
        if (ownsGroup && this != Shared.INSTANCE) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private EventLoopGroup group;
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private SslContext ssl;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** Run on your own event loop group (NIO); you shut it down. Default: a new group of daemon threads. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** Threads of the group this transport creates; ≥ 1. Default: the number of cores. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** TLS for {@code wss://} (trust store, client certificate, provider). Default: the JDK's, with host name verification. */
        public Builder sslContext(SslContext ssl) {
            this.ssl = Objects.requireNonNull(ssl, "ssl");
            return this;
        }

        /** TCP connect plus WebSocket handshake limit; &gt; 0. Default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be > 0, got " + connectTimeout);
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        public NettyWebSocketTransport build() {
            return new NettyWebSocketTransport(this);
        }
    }
}

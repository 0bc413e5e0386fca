package ca.metered.realtime.server.transport;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.server.admin.AdminConsole;
import ca.metered.realtime.server.auth.Authenticator;
import ca.metered.realtime.server.config.MetricsSettings;
import ca.metered.realtime.server.metrics.MetricsAccess;
import ca.metered.realtime.server.metrics.NodeMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import ca.metered.realtime.server.config.ConnectionLimits;
import ca.metered.realtime.server.config.ServerSettings;
import ca.metered.realtime.server.config.TlsSettings;
import ca.metered.realtime.server.connection.Connection;
import ca.metered.realtime.server.connection.Connections;
import ca.metered.realtime.server.rest.RestApi;
import ca.metered.realtime.server.session.Sessions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.NettyRuntime;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network side of one node: a Netty server that serves the WebSocket endpoint, the REST
 * control plane and health probes on one port, and shuts down gracefully (docs/protocol.md 8).
 *
 * <p>Thread-safe. {@link #start} once, {@link #stop} once.
 */
public final class RmsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RmsServer.class);

    /**
     * The request line carries {@code ?token=}: a JWT with a 4 KB {@code peerMetadata} and an
     * 8 KB {@code metadata} claim (docs/protocol.md 5) is about 17 KB once base64url- and URL-encoded,
     * far over Netty's 4 KB default.
     */
    private static final HttpDecoderConfig HTTP_DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(48 * 1024)
            .setMaxHeaderSize(16 * 1024);

    /**
     * Every read gets a 2 KB buffer (what the adaptive allocator starts each connection with): a
     * fixed size needs no per-connection sizing state, where the adaptive one keeps a calculator
     * of 40 bytes on every connection (docs/performance.md, "Idle connections"). Client frames are
     * small (commands); a large message takes more reads. An allocator given as a channel option
     * keeps its own limit of reads per wake-up, which is one: a 40 KB publish is 20 trips through
     * epoll. Reading more per wake-up was measured and not adopted (docs/performance.md, "Round
     * 11"): it cut the CPU of a 40 KB message by a third, but a subscriber of a publisher's burst
     * then lagged past the default outbound cap and was closed as a slow consumer far more often.
     */
    private static final FixedRecvByteBufAllocator RECV_ALLOCATOR = new FixedRecvByteBufAllocator(2048);

    private final ServerSettings settings;
    private final Authenticator authenticator;
    private final Sessions sessions;
    private final RestApi rest;
    private final Connections connections;
    private final LongSupplier nanoTime;
    private final NodeMetrics metrics;
    private final Supplier<MetricsSettings> metricsSettings;
    private final Optional<AdminConsole> admin;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    /** How many loops {@link #workers} has: logged at start. */
    private final int workerLoops;
    private final Class<? extends ServerChannel> channelType;
    private volatile boolean ready;
    private volatile boolean stopped;
    private final ClientErrors clientErrors = new ClientErrors();
    private ScheduledFuture<?> summaries;
    private volatile ConnectionBudget budget;
    private Channel serverChannel;
    private MetricsListener metricsListener;
    private String url;

    /**
     * @param metricsSettings who may read {@code /metrics} and where (read per request: a reloaded token applies)
     * @param admin the dashboard under {@code /admin/}; empty for none
     */
    public RmsServer(ServerSettings settings, Authenticator authenticator, Sessions sessions, RestApi rest,
                     Connections connections, LongSupplier nanoTime, NodeMetrics metrics,
                     Supplier<MetricsSettings> metricsSettings, Optional<AdminConsole> admin) {
        this.metrics = metrics;
        this.metricsSettings = metricsSettings;
        this.admin = admin;
        this.settings = settings;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.rest = rest;
        this.connections = connections;
        this.nanoTime = nanoTime;
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.channelType = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.boss = new MultiThreadIoEventLoopGroup(1, io);
        this.workerLoops = workerThreads(settings.eventLoopThreads());
        this.workers = new MultiThreadIoEventLoopGroup(workerLoops, io);
    }

    /**
     * The worker loops: as configured, else one per core but one, and at least one. Netty's own
     * default (2 × cores) suits handlers that block; ours never do, and the extra loops only add
     * context switches and cross-thread hand-offs: on a 2-core host, 2 loops instead of 4 took
     * peak fan-out from 0.84 M to 1.23 M deliveries/s and cut its CPU per delivery by 40 %. The
     * core left over is for the rest of the process, which a loop per core competes with: the
     * accepting thread, and the JIT compilers and the GC, which take a third of a freshly started
     * node's CPU while its clients connect. On the 2-core host, 1 loop instead of 2 spent about
     * a fifth less CPU on 15,000 connects, cold and warm, and less per delivery at 200k/s
     * (docs/performance.md, "Round 14"), with part of that from the load generator sharing the
     * host; a host that is the server's alone and needs every core for fan-out sets
     * {@code server.eventLoopThreads}.
     */
    static int workerThreads(int configured) {
        return workerThreads(configured, NettyRuntime.availableProcessors());
    }

    static int workerThreads(int configured, int cores) {
        return configured > 0 ? configured : Math.max(1, cores - 1);
    }

    /**
     * Binds and starts serving.
     *
     * @throws ServerStartException with a one-line reason (port in use, bad TLS files, …)
     */
    public RmsServer start() {
        SslContext ssl = settings.tls().map(RmsServer::sslContext).orElse(null);
        ClientAddress clientAddress = new ClientAddress(settings.trustedProxies());
        ConnectRateLimiter limiter = new ConnectRateLimiter(settings.connectRatePerIp(),
                settings.connectRateWindow().toNanos(), nanoTime);
        ConnectionLimits limits = settings.connections();
        long fdLimit = ConnectionBudget.processFdLimit();
        ConnectionBudget sockets;
        try {
            sockets = ConnectionBudget.of(limits, fdLimit, clientAddress::isTrustedProxy, clientErrors);
        } catch (IllegalArgumentException e) {
            shutdownGroups();
            throw new ServerStartException(e.getMessage());
        }
        AcceptGate gate = AcceptGate.of(sockets.maxOpen(), limits.fdReserve());
        long requestTimeout = limits.requestTimeout().toNanos();
        WebSocketUpgrade upgrade = new WebSocketUpgrade(authenticator, sessions, limiter, clientAddress, ssl != null,
                clientErrors, metrics);
        MetricsEndpoint scrape = new MetricsEndpoint(metrics,
                () -> MetricsAccess.mainPort(metricsSettings.get().bearerToken()));
        boolean separateMetrics = metricsSettings.get().port().isPresent();
        OperatorEndpoints operators = new OperatorEndpoints(separateMetrics ? Optional.empty() : Optional.of(scrape),
                admin, clientAddress, ssl != null);
        StaticFiles demo = new StaticFiles("/demo", "demo", RmsServer.class.getClassLoader());
        ClientErrorSink sink = new ClientErrorSink(clientErrors);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .handler(new ChannelInitializer<ServerChannel>() {
                    @Override
                    protected void initChannel(ServerChannel listener) {
                        listener.pipeline().addLast(gate, new AcceptErrors(System::nanoTime, gate::isPaused));
                    }
                })
                .childOption(ChannelOption.TCP_NODELAY, true)
                // One allocator for every connection (each still gets its own sizing handle):
                // Netty's default is a new allocator object per channel.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECV_ALLOCATOR)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        PendingConnection pending = new PendingConnection(ch, sockets, requestTimeout, clientErrors);
                        if (!sockets.admit(pending)) {
                            ch.close();
                            return;
                        }
                        gate.admitted(ch, sockets.closeListener()); // one close listener for both
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(HTTP_DECODER), pending, new BodyLimit(clientErrors),
                                new HttpRouter(upgrade, rest, () -> ready, demo, clientErrors, operators), sink);
                    }
                });
        try {
            serverChannel = b.bind(settings.host(), settings.port()).sync().channel();
        } catch (Exception e) {
            shutdownGroups();
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new ServerStartException("cannot listen on " + settings.host() + ":" + settings.port()
                        + ": address already in use");
            }
            throw new ServerStartException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage());
        }
        if (separateMetrics) {
            try {
                metricsListener = MetricsListener.bind(boss, workers, channelType, metricsSettings.get(),
                        new MetricsEndpoint(metrics,
                                () -> MetricsAccess.separatePort(metricsSettings.get().bearerToken())),
                        clientAddress);
            } catch (ServerStartException e) {
                serverChannel.close().awaitUninterruptibly();
                shutdownGroups();
                throw e;
            }
        }
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            new NettyAllocatorMetrics(provider).bindTo(metrics.registry());
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        url = (ssl != null ? "wss://" : "ws://") + host + ":" + bound.getPort();
        summaries = boss.next().scheduleAtFixedRate(clientErrors::flushSummary, 1, 1, TimeUnit.MINUTES);
        log.info("accepting up to {} connections ({}), at most {} not yet upgraded, {} per address; worker loops: {}",
                sockets.maxOpen() == Integer.MAX_VALUE ? "unlimited" : sockets.maxOpen(),
                fdLimit > 0 ? "open files limit " + fdLimit + " - reserve " + limits.fdReserve() : "open files limit unknown",
                sockets.maxPending(), sockets.maxPendingPerIp(), workerLoops);
        budget = sockets;
        ready = true;
        return this;
    }

    private static SslContext sslContext(TlsSettings tls) {
        try {
            return SslContextBuilder.forServer(tls.certFile().toFile(), tls.keyFile().toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ServerStartException("cannot load TLS certificate/key (" + tls.certFile() + ", "
                    + tls.keyFile() + "): " + e.getMessage());
        }
    }

    /** The running rms version (the jar manifest's), {@code dev} outside a built jar. */
    public static String version() {
        return RootPage.buildVersion();
    }

    /** The port of the separate {@code /metrics} listener, if {@code metrics.port} is set. */
    public Optional<Integer> metricsPort() {
        return Optional.ofNullable(metricsListener).map(MetricsListener::port);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Client connections open now, upgraded or not (0 before {@link #start}). */
    public int openConnections() {
        ConnectionBudget b = budget;
        return b == null ? 0 : b.open();
    }

    /** Base URL clients pass to the SDKs, e.g. {@code ws://127.0.0.1:8080}. */
    public String url() {
        return url;
    }

    /**
     * Graceful shutdown (docs/protocol.md 8): stop accepting, send {@code going_away} with a spread
     * {@code retryAfterMs} to every connection, close each with 1001, wait up to the configured
     * grace for the closes to flush, then stop the event loops. The core behind it is the
     * caller's to stop afterwards.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        ready = false;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        if (metricsListener != null) {
            metricsListener.close();
        }
        List<Connection> open = connections.all();
        // docs/protocol.md 8: going_away to every connection first, then the closes. Closing as we go
        // would let the first closes' presence `left` reach later connections before their
        // going_away, so a client could not tell a shutdown from peers leaving.
        for (Connection c : open) {
            // Spread reconnects over 1–5 s so clients do not come back in one wave.
            long retryAfter = 1000 + ThreadLocalRandom.current().nextLong(4000);
            c.deliver(FrameCodec.encode(new ServerFrame.GoingAway(retryAfter)));
        }
        for (Connection c : open) {
            c.close(CloseCode.GOING_AWAY.code(), "server shutting down");
        }
        awaitDrained(settings.shutdownGrace());
        if (summaries != null) {
            summaries.cancel(false);
            clientErrors.flushSummary();
        }
        shutdownGroups();
        log.info("stopped ({} connections closed)", open.size());
    }

    private void awaitDrained(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (connections.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // polling a shutdown condition, not synchronising a test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void shutdownGroups() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        stop();
    }

    /** Why the server could not start, in one line meant for a person. */
    public static final class ServerStartException extends RuntimeException {
        public ServerStartException(String message) {
            super(message);
        }
    }
}

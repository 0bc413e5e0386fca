package ca.metered.realtime.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generator's side of the network: WebSocket client connections on Netty (epoll when
 * available), one {@link Peer} handler per connection. The same client serves every protocol, so
 * the servers under test see the same TCP and WebSocket behaviour.
 *
 * <p>Thread-safe. Each connection runs on one event loop of this client; its {@link Peer} is
 * called back only there.
 */
public final class LoadClient implements AutoCloseable {
    private static final int MAX_FRAME = 64 << 20;

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final List<InetAddress> sourceAddresses;
    private final AtomicInteger nextSource = new AtomicInteger();

    /**
     * @param threads event loop threads of the generator
     * @param sourceAddresses local addresses to bind, round robin (e.g. 127.0.0.2, 127.0.0.3 to
     *     get more ephemeral ports towards one server port); empty for the kernel's choice
     */
    public LoadClient(int threads, List<InetAddress> sourceAddresses) {
        if (Epoll.isAvailable()) {
            group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
            channelClass = EpollSocketChannel.class;
        } else {
            group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
            channelClass = NioSocketChannel.class;
        }
        this.sourceAddresses = List.copyOf(sourceAddresses);
    }

    /** Whether the native epoll transport is in use (it should be, on Linux). */
    public static boolean epoll() {
        return Epoll.isAvailable();
    }

    /** Opens a WebSocket to {@code uri} (ws:// only) handled by {@code peer}. */
    public ChannelFuture connect(URI uri, Peer peer) {
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(MAX_FRAME)
                .handleCloseFrames(false) // Peer reads the code
                .dropPongFrames(true)
                // Checking the servers' UTF-8 would cost the generator more than reading the frames.
                .withUTF8Validator(false)
                .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(60))
                .build();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 60_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                new HttpClientCodec(),
                                new HttpObjectAggregator(64 * 1024),
                                new WebSocketClientProtocolHandler(new Handshaker(config, peer), config),
                                new WebSocketFrameAggregator(MAX_FRAME),
                                peer);
                    }
                });
        InetSocketAddress remote = new InetSocketAddress(uri.getHost(), port);
        if (sourceAddresses.isEmpty()) {
            return b.connect(remote);
        }
        InetAddress local = sourceAddresses.get(Math.floorMod(nextSource.getAndIncrement(), sourceAddresses.size()));
        return b.connect(remote, new InetSocketAddress(local, 0));
    }

    /**
     * The RFC 6455 handshake as Netty does it, whose decoder afterwards is {@link FrameReader}:
     * data messages go straight to the peer.
     */
    private static final class Handshaker extends WebSocketClientHandshaker13 {
        private final Peer peer;

        Handshaker(WebSocketClientProtocolConfig config, Peer peer) {
            super(config.webSocketUri(), config.version(), config.subprotocol(), config.allowExtensions(),
                    config.customHeaders(), config.maxFramePayloadLength(), config.performMasking(),
                    config.allowMaskMismatch(), config.forceCloseTimeoutMillis());
            this.peer = peer;
        }

        @Override
        protected WebSocketFrameDecoder newWebsocketDecoder() {
            return new FrameReader(peer, MAX_FRAME);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

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
    private static final long HANDSHAKE_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(60);

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final List<InetAddress> sourceAddresses;
    private final AtomicInteger nextSource = new AtomicInteger();
    /** Everything of a connect but its handler, cloned per connection. */
    private final Bootstrap prototype;
    private volatile Handshake.Request lastRequest;

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
        prototype = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 60_000);
    }

    /** Whether the native epoll transport is in use (it should be, on Linux). */
    public static boolean epoll() {
        return Epoll.isAvailable();
    }

    /**
     * Opens a WebSocket to {@code uri} (ws:// only) handled by {@code peer}. The pipeline is the
     * {@link Handshake} and the peer; once the server's 101 is checked, Netty's frame encoder and
     * the {@link FrameReader} take the handshake's place (two handlers and the peer per
     * connection, nothing of HTTP left).
     */
    public ChannelFuture connect(URI uri, Peer peer) {
        Handshake.Request request = requestFor(uri);
        Bootstrap b = prototype.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new Handshake(request, peer, MAX_FRAME, HANDSHAKE_TIMEOUT_MILLIS), peer);
            }
        });
        InetSocketAddress remote = new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80);
        if (sourceAddresses.isEmpty()) {
            return b.connect(remote);
        }
        InetAddress local = sourceAddresses.get(Math.floorMod(nextSource.getAndIncrement(), sourceAddresses.size()));
        return b.connect(remote, new InetSocketAddress(local, 0));
    }

    /** The request template of {@code uri}: a workload connects everyone to one URL, so the last one is kept. */
    private Handshake.Request requestFor(URI uri) {
        Handshake.Request r = lastRequest;
        if (r == null || !r.uri().equals(uri)) {
            r = new Handshake.Request(uri);
            lastRequest = r;
        }
        return r;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

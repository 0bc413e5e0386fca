package ca.metered.realtime.server.transport;

import ca.metered.realtime.server.config.MetricsSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;

/**
 * The separate {@code /metrics} listener ({@code metrics.port}): nothing but the scrape, on the
 * node's event loops. A request must arrive within 10 s and without a body; connections close
 * after each answer, so a scraper holds nothing between scrapes.
 *
 * <p>Thread-safe. {@link #bind} once, {@link #close} once.
 */
final class MetricsListener implements AutoCloseable {
    private final Channel channel;

    private MetricsListener(Channel channel) {
        this.channel = channel;
    }

    static MetricsListener bind(EventLoopGroup boss, EventLoopGroup workers, Class<? extends ServerChannel> type,
                                MetricsSettings settings, MetricsEndpoint endpoint, ClientAddress clientAddress) {
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(type)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(10), new HttpServerCodec(),
                                new HttpObjectAggregator(1024), new Handler(endpoint, clientAddress));
                    }
                });
        int port = settings.port().orElseThrow();
        try {
            return new MetricsListener(b.bind(settings.host(), port).sync().channel());
        } catch (Exception e) {
            throw new RmsServer.ServerStartException("cannot listen for metrics on " + settings.host() + ":" + port
                    + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final MetricsEndpoint endpoint;
        private final ClientAddress clientAddress;

        Handler(MetricsEndpoint endpoint, ClientAddress clientAddress) {
            this.endpoint = endpoint;
            this.clientAddress = clientAddress;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            FullHttpResponse res;
            if (!req.decoderResult().isSuccess()) {
                res = HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid_request", "malformed HTTP request");
            } else if (MetricsEndpoint.PATH.equals(new QueryStringDecoder(req.uri()).rawPath())) {
                res = endpoint.respond(req, clientAddress.client((InetSocketAddress) ctx.channel().remoteAddress(),
                        req.headers().get("X-Forwarded-For")));
            } else {
                res = HttpResponses.error(HttpResponseStatus.NOT_FOUND, "not_found", "this port serves /metrics only");
            }
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // timeouts, resets, oversize requests: nothing to tell a scraper
        }
    }
}

package ca.metered.realtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rms bench source}: a stand-in for a server that is never the bottleneck, to measure what
 * one client can receive. It speaks just enough of the protocol (welcome, ack, pong) and answers
 * every {@code subscribe} by writing {@code --messages} copies of one pre-encoded {@code message}
 * frame for that channel, as fast as the socket drains (it stops writing while the connection is
 * not writable, so the client's reading speed sets the pace). Loopback only; not a server.
 */
@Command(name = "source", mixinStandardHelpOptions = true,
        description = "A synthetic publisher: floods every subscriber with pre-encoded message frames (measures the client alone).")
final class BenchSource implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--port", defaultValue = "0", description = "port on 127.0.0.1 (default: any free one)")
    int port;

    @Option(names = "--messages", defaultValue = "1000000", description = "message frames per subscribe (default ${DEFAULT-VALUE})")
    int messages;

    @Option(names = "--size", defaultValue = "100", description = "approximate payload bytes (default ${DEFAULT-VALUE})")
    int size;

    @Override
    public Integer call() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AtomicInteger peers = new AtomicInteger();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                    new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                            .websocketPath("/v1").checkStartsWith(true).build()),
                                    new Flood("bench-" + peers.incrementAndGet()));
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            int bound = ((InetSocketAddress) server.localAddress()).getPort();
            System.out.printf(Locale.ROOT, "bench source on ws://127.0.0.1:%d: %d message frames of ~%d bytes per subscribe%n",
                    bound, messages, size);
            System.out.flush();
            server.closeFuture().sync();
            return 0;
        } finally {
            group.shutdownGracefully();
        }
    }

    /** One client: welcome on connect; ack every request; flood after a subscribe. */
    private final class Flood extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final String peerId;
        private ByteBuf frame;
        private int left;

        Flood(String peerId) {
            this.peerId = peerId;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"welcome\",\"peerId\":\"" + peerId
                        + "\",\"serverTime\":" + System.currentTimeMillis() / 1000
                        + ",\"expiresAt\":null,\"maxMessageSize\":65536}"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame msg) throws Exception {
            JsonNode f = JSON.readTree(msg.text());
            String type = f.path("type").asText();
            if (type.equals("ping")) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"pong\"}"));
                return;
            }
            if (f.hasNonNull("requestId")) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"ack\",\"requestId\":"
                        + JSON.writeValueAsString(f.get("requestId").asText()) + "}"));
            }
            if (type.equals("subscribe") && frame == null) {
                String pad = "x".repeat(Math.max(0, size - 20));
                String text = "{\"type\":\"message\",\"channel\":" + JSON.writeValueAsString(f.path("channel").asText())
                        + ",\"from\":\"bench-source\",\"data\":{\"i\":123456,\"pad\":\"" + pad + "\"}}";
                frame = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
                left = messages;
                pump(ctx);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            pump(ctx);
            super.channelWritabilityChanged(ctx);
        }

        /** Writes while the socket takes it; resumes on writability. */
        private void pump(ChannelHandlerContext ctx) {
            int batch = 0;
            while (left > 0 && ctx.channel().isWritable()) {
                ctx.write(new TextWebSocketFrame(frame.duplicate()));
                left--;
                if (++batch == 64) {
                    ctx.flush();
                    batch = 0;
                }
            }
            ctx.flush();
        }
    }
}

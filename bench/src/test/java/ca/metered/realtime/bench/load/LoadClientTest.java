package ca.metered.realtime.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadClient} against a real WebSocket server on loopback (Netty's server handshaker, as
 * rms uses): the hand-made client handshake completes, messages flow both ways, pings are answered.
 */
class LoadClientTest {
    private EventLoopGroup serverGroup;
    private Channel server;
    private final BlockingQueue<String> serverSaw = new LinkedBlockingQueue<>();

    @BeforeEach
    void startServer() throws Exception {
        serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/v1").checkStartsWith(true).dropPongFrames(false).build()),
                                new Echo(), new NotFound());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Greets the client, pings it, echoes its text; records pongs and the request's query. */
    private final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
                serverSaw.add("uri:" + hc.requestUri());
                ctx.write(new TextWebSocketFrame("welcome"));
                ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer("are you there", StandardCharsets.US_ASCII)));
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof PongWebSocketFrame) {
                serverSaw.add("pong:" + frame.content().toString(StandardCharsets.US_ASCII));
            } else if (frame instanceof TextWebSocketFrame t) {
                serverSaw.add("text:" + t.text());
                ctx.writeAndFlush(new TextWebSocketFrame("echo:" + t.text()));
            }
        }
    }

    /** Any other HTTP request (not the WebSocket path): 404. */
    private static final class NotFound extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(r);
        }
    }

    @AfterEach
    void stopServer() {
        server.close().syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void connectsToAWebSocketServerAndTalks() throws Exception {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (LoadClient client = new LoadClient(1, List.of())) {
            RecordingPeer[] peers = {new RecordingPeer(), new RecordingPeer()};
            for (RecordingPeer p : peers) {
                client.connect(URI.create("ws://127.0.0.1:" + port + "/v1?key=k"), p).sync();
            }
            for (RecordingPeer p : peers) {
                assertThat(p.arrived.poll(10, TimeUnit.SECONDS)).isEqualTo("text:welcome");
                assertThat(p.ready()).isCompleted();
                p.channel().eventLoop().submit(() -> p.publish("hello", false)).sync();
                assertThat(p.arrived.poll(10, TimeUnit.SECONDS)).isEqualTo("text:echo:hello");
            }
            List<String> expected = List.of("uri:/v1?key=k", "pong:are you there", "text:hello");
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 2 * expected.size(); i++) {
                seen.add(serverSaw.poll(10, TimeUnit.SECONDS));
            }
            assertThat(seen).containsOnlyElementsOf(expected);
            for (String e : expected) {
                assertThat(seen).filteredOn(e::equals).hasSize(2);
            }
        }
    }

    @Test
    void aServerThatRefusesTheUpgradeFailsTheConnect() throws Exception {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (LoadClient client = new LoadClient(1, List.of())) {
            RecordingPeer p = new RecordingPeer();
            // Not the WebSocket path: the server answers 404, not 101.
            client.connect(URI.create("ws://127.0.0.1:" + port + "/other"), p).sync();
            assertThatThrownBy(() -> p.ready().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(WebSocketClientHandshakeException.class).hasMessageContaining("404");
            assertThat(p.messages).isEmpty();
            assertThat(p.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}

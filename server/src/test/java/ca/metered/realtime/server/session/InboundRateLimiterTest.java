package ca.metered.realtime.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.connection.RecordingLink;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 4 [ours]: every frame of every kind takes a token; a dry bucket closes 4011. */
class InboundRateLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final RecordingLink link = new RecordingLink();
    private final EmbeddedChannel channel = new EmbeddedChannel(new InboundRateLimiter(10, 6, now::get, link));

    private static List<WebSocketFrame> everyKind() {
        return List.of(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer(new byte[] {'{'})),
                new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer(new byte[] {'}'})),
                new BinaryWebSocketFrame(), new PingWebSocketFrame(), new PongWebSocketFrame(),
                new TextWebSocketFrame("x"));
    }

    @Test
    void everyKindOfFrameTakesATokenAndTheFirstOverTheBurstClosesWith4011() {
        for (WebSocketFrame f : everyKind()) {
            channel.writeInbound(f);
        }
        assertThat(link.closeCode()).isNull();
        for (int i = 0; i < 6; i++) {
            WebSocketFrame passed = channel.readInbound();
            assertThat(passed).isNotNull();
            passed.release();
        }
        WebSocketFrame over = new PingWebSocketFrame();
        channel.writeInbound(over);
        assertThat(link.closeCode()).isEqualTo(4011);
        assertThat(link.closeReason()).isEqualTo("message rate exceeded");
        assertThat((Object) channel.readInbound()).as("the frame over the rate goes no further").isNull();
        assertThat(over.refCnt()).isZero();
    }

    @Test
    void tokensComeBackAtTheConfiguredRate() {
        for (int i = 0; i < 6; i++) {
            channel.writeInbound(new PongWebSocketFrame());
        }
        now.addAndGet(100_000_000); // 0.1 s at 10/s: one token
        channel.writeInbound(new PongWebSocketFrame());
        assertThat(link.closeCode()).isNull();
        channel.writeInbound(new PongWebSocketFrame());
        assertThat(link.closeCode()).isEqualTo(4011);
    }

    @Test
    void onceClosingOnlyTheClientsCloseFrameGoesOn() {
        link.close(1008, "slow consumer");
        TextWebSocketFrame text = new TextWebSocketFrame("late");
        channel.writeInbound(text, new PingWebSocketFrame());
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(text.refCnt()).isZero();
        channel.writeInbound(new CloseWebSocketFrame(1000, ""));
        CloseWebSocketFrame close = channel.readInbound();
        assertThat(close.statusCode()).isEqualTo(1000);
        close.release();
    }
}

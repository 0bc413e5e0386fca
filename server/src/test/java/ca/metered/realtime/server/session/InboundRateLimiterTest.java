package ca.metered.realtime.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.connection.RecordingLink;
import io.netty.buffer.Unpooled;
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
    private final InboundRateLimiter limiter = new TestLimiter(10, 6, now::get, link);

    private static List<WebSocketFrame> everyKind() {
        return List.of(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer(new byte[] {'{'})),
                new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer(new byte[] {'}'})),
                new BinaryWebSocketFrame(), new PingWebSocketFrame(), new PongWebSocketFrame(),
                new TextWebSocketFrame("x"));
    }

    @Test
    void everyKindOfFrameTakesATokenAndTheFirstOverTheBurstClosesWith4011() {
        for (WebSocketFrame f : everyKind()) {
            assertThat(limiter.admit(f)).isTrue();
            assertThat(f.refCnt()).as("passed on, not released").isOne();
            f.release();
        }
        assertThat(link.closeCode()).isNull();
        WebSocketFrame over = new PingWebSocketFrame();
        assertThat(limiter.admit(over)).as("the frame over the rate goes no further").isFalse();
        assertThat(link.closeCode()).isEqualTo(4011);
        assertThat(link.closeReason()).isEqualTo("message rate exceeded");
        assertThat(over.refCnt()).isZero();
    }

    @Test
    void tokensComeBackAtTheConfiguredRate() {
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.admit(new PongWebSocketFrame())).isTrue();
        }
        now.addAndGet(100_000_000); // 0.1 s at 10/s: one token
        assertThat(limiter.admit(new PongWebSocketFrame())).isTrue();
        assertThat(link.closeCode()).isNull();
        assertThat(limiter.admit(new PongWebSocketFrame())).isFalse();
        assertThat(link.closeCode()).isEqualTo(4011);
    }

    @Test
    void onceClosingOnlyTheClientsCloseFrameGoesOn() {
        link.close(1008, "slow consumer");
        TextWebSocketFrame text = new TextWebSocketFrame("late");
        PingWebSocketFrame ping = new PingWebSocketFrame();
        assertThat(limiter.admit(text)).isFalse();
        assertThat(limiter.admit(ping)).isFalse();
        assertThat(text.refCnt()).isZero();
        assertThat(ping.refCnt()).isZero();
        CloseWebSocketFrame close = new CloseWebSocketFrame(1000, "");
        assertThat(limiter.admit(close)).isTrue();
        assertThat(close.refCnt()).isOne();
        close.release();
    }
}

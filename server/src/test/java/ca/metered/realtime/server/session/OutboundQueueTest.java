package ca.metered.realtime.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String nextText() {
        TextWebSocketFrame f = channel.readOutbound();
        try {
            return f.text();
        } finally {
            f.release();
        }
    }

    @Test
    void writesInQueueOrderAndReleasesTheByteCountOnceWritten() {
        OutboundQueue q = new OutboundQueue(channel, 1024);
        assertThat(q.offer(bytes("one"))).isTrue();
        assertThat(q.offer(bytes("two"))).isTrue();
        assertThat(q.queuedBytes()).isEqualTo(6);
        channel.runPendingTasks();
        assertThat(nextText()).isEqualTo("one");
        assertThat(nextText()).isEqualTo("two");
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void refusesAFrameThatWouldExceedTheCapAndQueuesNothingOfIt() {
        OutboundQueue q = new OutboundQueue(channel, 10);
        assertThat(q.offer(bytes("12345678"))).isTrue();
        assertThat(q.offer(bytes("abc"))).isFalse();
        assertThat(q.queuedBytes()).isEqualTo(8);
        channel.runPendingTasks();
        assertThat(nextText()).isEqualTo("12345678");
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void theCloseFollowsEarlierFramesAndLaterFramesAreDropped() {
        OutboundQueue q = new OutboundQueue(channel, 1024);
        q.offer(bytes("before"));
        q.close(4011, "message rate exceeded");
        q.offer(bytes("after"));
        channel.runPendingTasks();
        assertThat(nextText()).isEqualTo("before");
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(4011);
        assertThat(close.reasonText()).isEqualTo("message rate exceeded");
        close.release();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(q.queuedBytes()).isZero();
    }
}

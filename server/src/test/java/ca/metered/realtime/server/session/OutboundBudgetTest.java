package ca.metered.realtime.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.metrics.NodeMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundBudgetTest {
    /** A socket that takes nothing: writes stay pending (held by Netty) until released. */
    private static final class Stuck extends ChannelOutboundHandlerAdapter {
        final List<Object> held = new ArrayList<>();
        final List<ChannelPromise> pending = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof CloseWebSocketFrame) {
                ctx.write(msg, promise);
                return;
            }
            held.add(msg);
            pending.add(promise);
        }
    }

    private final OutboundBudget budget = new OutboundBudget(100);
    private final Stuck stuck = new Stuck();
    private final EmbeddedChannel slowChannel = new EmbeddedChannel(stuck);
    private final EmbeddedChannel fastChannel = new EmbeddedChannel();
    private final SentFrames fastSent = new SentFrames(fastChannel);
    private final SentFrames slowSent = new SentFrames(slowChannel);
    private final OutboundQueue slow = queue(slowChannel);
    private final OutboundQueue fast = queue(fastChannel);

    private OutboundQueue queue(EmbeddedChannel ch) {
        OutboundQueue q = new OutboundQueue(ch, 1 << 20, new NodeMetrics("test", false), "test", budget);
        ch.pipeline().addLast(q);
        return q;
    }

    private static byte[] bytes(int n) {
        return "x".repeat(n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void bytesCountWhileNettyHoldsThemAndComeBackWhenWritten() {
        fast.send(bytes(40));
        fastChannel.runPendingTasks();
        TextWebSocketFrame f = fastSent.next();
        f.release();
        assertThat(budget.used()).isZero();
        assertThat(budget.peak()).isEqualTo(40);
        slow.send(bytes(30));
        slowChannel.runPendingTasks();
        assertThat(budget.used()).isEqualTo(30);
    }

    @Test
    void aSpentBudgetShedsTheConnectionHoldingTheMostAndTheWaitingOneGoesOn() {
        slow.send(bytes(60));
        slowChannel.runPendingTasks();
        assertThat(budget.used()).isEqualTo(60);
        fast.send(bytes(50)); // 110 > 100: waits, and the slowest is shed
        fastChannel.runPendingTasks();
        assertThat((Object) fastSent.next()).isNull();
        assertThat(slow.isClosing()).isTrue();
        assertThat(fast.isClosing()).isFalse();
        assertThat(budget.shedCount()).isEqualTo(1);
        assertThat(budget.peak()).isLessThanOrEqualTo(100);

        slowChannel.runPendingTasks(); // the shed connection's bytes stop counting, on its loop
        fastChannel.runPendingTasks(); // the waiting queue was resumed
        TextWebSocketFrame f = fastSent.next();
        assertThat(f.content().readableBytes()).isEqualTo(50);
        f.release();
        assertThat(budget.used()).isZero();

        CloseWebSocketFrame close = slowSent.next();
        assertThat(close.statusCode()).isEqualTo(1008);
        assertThat(close.reasonText()).isEqualTo("slow consumer");
        close.release();
        // When the stuck writes finally fail with the connection, nothing is given back twice.
        stuck.pending.forEach(p -> p.setFailure(new java.io.IOException("closed")));
        stuck.held.forEach(ReferenceCountUtil::release);
        assertThat(budget.used()).isZero();
    }

    @Test
    void aFrameLargerThanTheWholeBudgetGoesWhenNothingElseIsInFlight() {
        fast.send(bytes(150));
        fastChannel.runPendingTasks();
        TextWebSocketFrame f = fastSent.next();
        assertThat(f.content().readableBytes()).isEqualTo(150);
        f.release();
        assertThat(budget.used()).isZero();
        assertThat(budget.shedCount()).isZero();
    }
}

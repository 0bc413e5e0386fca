package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listening socket's descriptor gate, with accepted sockets played by {@link EmbeddedChannel}s. */
class AcceptGateTest {
    private final List<Object> passedOn = new ArrayList<>();
    private final AcceptGate gate = new AcceptGate(5, 3);
    private final EmbeddedChannel listener = new EmbeddedChannel(gate, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            passedOn.add(msg);
        }
    });

    private EmbeddedChannel accept() {
        EmbeddedChannel child = new EmbeddedChannel();
        listener.pipeline().fireChannelRead(child);
        return child;
    }

    @Test
    void acceptingPausesAtTheCeilingAndResumesOnlyBelowTheMarkWhenClosesComplete() {
        List<EmbeddedChannel> children = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            children.add(accept());
        }
        assertThat(listener.config().isAutoRead()).isTrue();
        children.add(accept());
        assertThat(gate.isPaused()).isTrue();
        assertThat(listener.config().isAutoRead()).as("5 held: at the ceiling").isFalse();
        // what the socket had already read is still handed on: nothing accepted is dropped
        children.add(accept());
        assertThat(passedOn).hasSize(6);
        assertThat(gate.held()).isEqualTo(6);

        children.get(0).close();
        children.get(1).close();
        children.get(2).close();
        listener.runPendingTasks();
        assertThat(gate.held()).isEqualTo(3);
        assertThat(listener.config().isAutoRead()).as("3 held: not below the mark").isFalse();

        children.get(3).close();
        listener.runPendingTasks();
        assertThat(gate.held()).isEqualTo(2);
        assertThat(gate.isPaused()).isFalse();
        assertThat(listener.config().isAutoRead()).isTrue();
    }

    @Test
    void aConnectionCountsUntilItsCloseCompletesNotWhenItIsAccepted() {
        EmbeddedChannel child = accept();
        assertThat(gate.held()).isEqualTo(1);
        child.close();
        assertThat(gate.held()).isZero();
        child.close(); // a second close completes nothing new
        assertThat(gate.held()).isZero();
    }

    @Test
    void anAdmittedSocketsCloseReleasesTheBudgetThenTheGateOnceAndARefusedOneOnlyTheGate() {
        List<String> released = new ArrayList<>();
        ChannelFutureListener budget = f -> released.add("budget, gate holding " + gate.held());
        EmbeddedChannel admitted = accept();
        EmbeddedChannel refused = accept();
        gate.admitted(admitted, budget);
        assertThat(gate.held()).isEqualTo(2);

        refused.close();
        assertThat(gate.held()).isEqualTo(1);
        assertThat(released).isEmpty();

        admitted.close();
        assertThat(gate.held()).isZero();
        assertThat(released).containsExactly("budget, gate holding 1");
        admitted.close();
        assertThat(gate.held()).isZero();
        assertThat(released).hasSize(1);
    }

    @Test
    void aSocketClosedBeforeItsAdmissionIsReleasedByTheBudgetAtOnceAndByTheGateOnce() {
        List<String> released = new ArrayList<>();
        EmbeddedChannel child = accept();
        child.close();
        assertThat(gate.held()).isZero();
        gate.admitted(child, f -> released.add("budget"));
        assertThat(released).containsExactly("budget");
        assertThat(gate.held()).isZero();
    }

    @Test
    void theAcceptErrorsPauseDoesNotLiftTheGatesPause() {
        EmbeddedChannel l = new EmbeddedChannel();
        AcceptGate g = new AcceptGate(1, 1);
        l.pipeline().addLast(g, new AcceptErrors(System::nanoTime, g::isPaused));
        l.freezeTime();
        EmbeddedChannel child = new EmbeddedChannel();
        l.pipeline().fireChannelRead(child);
        assertThat(l.config().isAutoRead()).isFalse();
        l.pipeline().fireExceptionCaught(new java.io.IOException("accept(..) failed: Too many open files"));
        l.advanceTimeBy(AcceptErrors.PAUSE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        l.runScheduledPendingTasks();
        assertThat(l.config().isAutoRead()).as("still held by the gate").isFalse();
        child.close();
        l.runPendingTasks();
        assertThat(l.config().isAutoRead()).isTrue();
    }

    @Test
    void theDefaultCeilingLeavesHalfTheReserveAndNoCapMeansNoGate() {
        AcceptGate of = AcceptGate.of(896, 128);
        EmbeddedChannel l = new EmbeddedChannel(of);
        for (int i = 0; i < 959; i++) {
            l.pipeline().fireChannelRead(new EmbeddedChannel());
        }
        assertThat(l.config().isAutoRead()).isTrue();
        l.pipeline().fireChannelRead(new EmbeddedChannel());
        assertThat(l.config().isAutoRead()).as("896 + 64 held").isFalse();
        assertThat(AcceptGate.of(Integer.MAX_VALUE, 128).isPaused()).isFalse();
        assertThatThrownBy(() -> new AcceptGate(3, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}

package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.frame.FrameSlices;
import ca.metered.realtime.protocol.frame.PresenceRoster;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.metrics.NodeMetrics;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final SentFrames sent = new SentFrames(channel);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private OutboundQueue queue(long cap) {
        OutboundQueue q = new OutboundQueue(channel, cap, new NodeMetrics("test", false));
        channel.pipeline().addLast(q);
        return q;
    }

    private String nextText() {
        TextWebSocketFrame f = sent.next();
        try {
            return f.text();
        } finally {
            f.release();
        }
    }

    private <T extends WebSocketFrame> T next(Class<T> type) {
        Object f = sent.next();
        assertThat(f).isInstanceOf(type);
        return type.cast(f);
    }

    @Test
    void writesInQueueOrderAndReleasesTheByteCountOnceWritten() {
        OutboundQueue q = queue(1024);
        q.send(bytes("one"));
        q.send(bytes("two"));
        assertThat(q.queuedBytes()).isEqualTo(6);
        channel.runPendingTasks();
        assertThat(nextText()).isEqualTo("one");
        assertThat(nextText()).isEqualTo("two");
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void aFrameThatWouldPassTheCapClosesAsASlowConsumerAndWhatStillWaitsIsDiscardedNotSent() {
        OutboundQueue q = queue(10);
        q.send(bytes("12345678"));
        q.send(bytes("abc")); // 11 bytes: over the cap
        assertThat(q.isClosing()).isTrue();
        assertThat(q.queuedBytes()).isEqualTo(8);
        q.send(bytes("later"));
        channel.runPendingTasks();
        // docs/protocol.md 4: the client is behind anyway; the close goes first so it can read the code
        CloseWebSocketFrame close = next(CloseWebSocketFrame.class);
        assertThat(close.statusCode()).isEqualTo(1008);
        assertThat(close.reasonText()).isEqualTo("slow consumer");
        close.release();
        assertThat((Object) sent.next()).isNull();
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void theCloseFollowsEarlierFramesAndLaterFramesAreDropped() {
        OutboundQueue q = queue(1024);
        q.send(bytes("before"));
        q.close(4011, "message rate exceeded");
        q.send(bytes("after"));
        q.close(1000, "second close is ignored");
        channel.runPendingTasks();
        assertThat(nextText()).isEqualTo("before");
        CloseWebSocketFrame close = next(CloseWebSocketFrame.class);
        assertThat(close.statusCode()).isEqualTo(4011);
        assertThat(close.reasonText()).isEqualTo("message rate exceeded");
        close.release();
        assertThat((Object) sent.next()).isNull();
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void pingsAndPongsTakeTheirTurnInTheQueueAndCountAgainstTheCap() {
        OutboundQueue q = queue(1024);
        q.send(bytes("first"));
        q.pong(Unpooled.wrappedBuffer(bytes("abc")));
        q.ping();
        assertThat(q.queuedBytes()).isEqualTo(5 + (2 + 3) + 2);
        channel.runPendingTasks();
        assertThat(nextText()).isEqualTo("first");
        PongWebSocketFrame pong = next(PongWebSocketFrame.class);
        assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("abc");
        pong.release();
        PingWebSocketFrame ping = next(PingWebSocketFrame.class);
        assertThat(ping.content().readableBytes()).isZero();
        ping.release();
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void pongsThatPileUpForAClientThatDoesNotReadCloseItAsASlowConsumer() {
        OutboundQueue q = queue(1000);
        byte[] payload = new byte[125];
        int queued = 0;
        while (!q.isClosing()) {
            q.pong(Unpooled.wrappedBuffer(payload));
            queued++;
        }
        // even empty pongs count (their header), so a flood of any size ends here
        assertThat(queued).isEqualTo(1000 / 127 + 1);
        assertThat(q.queuedBytes()).isLessThanOrEqualTo(1000);
        channel.runPendingTasks();
        assertThat(next(CloseWebSocketFrame.class).statusCode()).isEqualTo(1008);
    }

    @Test
    void whatTheChannelCannotTakeNowWaitsHereAndFollowsWhenItIsWritableAgain() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        OutboundQueue q = queue(1024);
        for (int i = 0; i < 5; i++) {
            q.send(bytes("frame-" + i)); // 7 bytes each: the channel takes about two at a time
        }
        channel.runPendingTasks();
        for (int i = 0; i < 5; i++) {
            channel.runPendingTasks();
            assertThat(nextText()).isEqualTo("frame-" + i);
        }
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void afterItsCloseFrameTheConnectionLingersForTheClientsCloseThenIsClosed() {
        OutboundQueue q = queue(1024);
        q.close(1001, "server shutting down");
        channel.runPendingTasks();
        next(CloseWebSocketFrame.class).release();
        assertThat(channel.isOpen()).as("waiting for the client's close").isTrue();
        channel.advanceTimeBy(OutboundQueue.CLOSE_LINGER_MS - 100, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void onceTheChannelIsGoneNothingMoreIsQueued() {
        OutboundQueue q = queue(1024);
        q.send(bytes("x"));
        channel.close();
        assertThat(q.isClosing()).isTrue();
        q.send(bytes("y"));
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void framesQueuedBeforeADrainLeaveInOneWriteEncodedExactlyAsNettyEncodesThem() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 1 << 21));
        OutboundQueue q = queue(1 << 20);
        // one of each header length (RFC 6455 5.2: 7-bit, 16-bit and 64-bit payload lengths)
        byte[][] texts = {bytes("a"), bytes("m".repeat(300)), bytes("L".repeat(70_000))};
        for (byte[] t : texts) {
            q.send(t);
        }
        q.pong(Unpooled.wrappedBuffer(bytes("pp")));
        q.ping();
        channel.runPendingTasks();

        ByteBuf written = channel.readOutbound();
        assertThat((Object) channel.readOutbound()).as("one write for the batch").isNull();
        List<WebSocketFrame> frames = new ArrayList<>();
        for (byte[] t : texts) {
            frames.add(new TextWebSocketFrame(Unpooled.wrappedBuffer(t)));
        }
        frames.add(new PongWebSocketFrame(Unpooled.wrappedBuffer(bytes("pp"))));
        frames.add(new PingWebSocketFrame());
        assertThat(ByteBufUtil.getBytes(written)).isEqualTo(encodedByNetty(frames));
        written.release();
        assertThat(q.queuedBytes()).isZero();
    }

    /** What Netty's own server-side encoder writes for {@code frames}, one after the other. */
    private static byte[] encodedByNetty(List<WebSocketFrame> frames) {
        EmbeddedChannel netty = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        frames.forEach(netty::writeOutbound);
        ByteBuf expected = Unpooled.buffer();
        ByteBuf part;
        while ((part = netty.readOutbound()) != null) {
            expected.writeBytes(part);
            part.release();
        }
        return ByteBufUtil.getBytes(expected);
    }

    /** A snapshot of {@code members} members without member 1 (their entries shared, not copied). */
    private static FrameSlices snapshot(int members) {
        PresenceRoster roster = new PresenceRoster();
        for (int i = 0; i < members; i++) {
            roster.add("peer-" + i, i % 3 == 0 ? new RawJson("{\"n\":" + i + "}") : null);
        }
        return roster.members().without("peer-1").presenceSlices("room/1");
    }

    @Test
    void framesMadeOfSlicesTakeTheirTurnCountAgainstTheCapAndLeaveAsTheirBytesWould() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 1 << 21));
        OutboundQueue q = queue(1 << 20);
        // one of each header length (RFC 6455 5.2), between plain frames
        FrameSlices[] slices = {snapshot(1), snapshot(3), snapshot(3_000)};
        assertThat(slices[2].length()).isGreaterThan(0xFFFF);
        q.send(bytes("first"));
        for (FrameSlices f : slices) {
            q.send(f);
        }
        q.send(bytes("last"));
        assertThat(q.queuedBytes()).isEqualTo(5 + 4 + slices[0].length() + slices[1].length() + slices[2].length());
        channel.runPendingTasks();

        ByteBuf written = channel.readOutbound();
        List<WebSocketFrame> frames = new ArrayList<>();
        frames.add(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes("first"))));
        for (FrameSlices f : slices) {
            frames.add(new TextWebSocketFrame(Unpooled.wrappedBuffer(f.toBytes())));
        }
        frames.add(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes("last"))));
        assertThat(ByteBufUtil.getBytes(written)).isEqualTo(encodedByNetty(frames));
        written.release();
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void aSnapshotOfSlicesLargerThanTheCapClosesAsASlowConsumer() {
        FrameSlices big = snapshot(3_000);
        OutboundQueue q = queue(big.length() - 1);
        q.send(big);
        assertThat(q.isClosing()).isTrue();
        q.send(bytes("after"));
        channel.runPendingTasks();
        CloseWebSocketFrame close = next(CloseWebSocketFrame.class);
        assertThat(close.statusCode()).isEqualTo(1008);
        close.release();
        assertThat((Object) sent.next()).isNull();
        assertThat(q.queuedBytes()).isZero();
    }
}

package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.config.ServerSettings;
import ca.metered.realtime.server.connection.CoreFixture;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.session.OutboundBudget;
import ca.metered.realtime.server.session.Session;
import ca.metered.realtime.server.session.SentFrames;
import ca.metered.realtime.server.session.Sessions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One connection's pipeline after the upgrade, as {@code WebSocketUpgrade} builds it, over the
 * real core on the in-memory backplane: frames in, frames out, no socket.
 */
class WebSocketPipelineTest {
    private final CoreFixture core = new CoreFixture(new Limits(65536, 100, 100, 20, 10000, 0, Limits.DEFAULT_MAX_TOKEN_LIFETIME));
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final SentFrames sent = new SentFrames(channel);
    private final Session session;

    WebSocketPipelineTest() {
        Sessions sessions = new Sessions(core.connections, core.memberships, core.messages, core.history,
                new IceServerProvider(core.time.clock()), core.time, core.config, core.metrics,
                new OutboundBudget(OutboundBudget.UNLIMITED));
        session = sessions.create(channel, core.grant("alice", EnumSet.allOf(Action.class)), "127.0.0.1",
                65536 + WebSocketUpgrade.ENVELOPE_HEADROOM);
        int maxFrame = 65536 + WebSocketUpgrade.ENVELOPE_HEADROOM;
        channel.pipeline().addLast(new WebSocketFrameHandler(WebSocketUpgrade.newDecoderConfig(maxFrame), session,
                new ClientErrors()));
    }

    /** A frame as a client sends it: encoded and masked, into the session's frame handler (the decoder). */
    private void in(WebSocketFrame frame) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        client.writeOutbound(frame);
        ByteBuf bytes;
        while ((bytes = client.readOutbound()) != null) {
            channel.writeInbound(bytes);
        }
        client.finishAndReleaseAll();
    }

    /** Runs what the loop has to do and returns what went out, text frames as text. */
    private List<Object> out() {
        channel.runPendingTasks();
        List<Object> frames = new ArrayList<>();
        Object f;
        while ((f = sent.next()) != null) {
            if (f instanceof TextWebSocketFrame t) {
                frames.add(t.text());
                t.release();
            } else {
                frames.add(f);
            }
        }
        return frames;
    }

    private void open() {
        session.start();
        assertThat(out()).singleElement().asString().startsWith("{\"type\":\"welcome\",\"peerId\":\"alice\"");
    }

    private void text(String s) {
        in(new TextWebSocketFrame(s));
    }

    @Test
    void commandsThatArriveBeforeTheWelcomeAreAnsweredAfterItInOrder() {
        text("{\"type\":\"subscribe\",\"channel\":\"room\",\"requestId\":\"s\"}");
        text("{\"type\":\"ping\"}");
        session.start();
        List<Object> out = out();
        assertThat(out).hasSize(4);
        assertThat((String) out.get(0)).startsWith("{\"type\":\"welcome\"");
        assertThat(out.subList(1, 4)).containsExactly("{\"type\":\"ack\",\"requestId\":\"s\"}",
                "{\"type\":\"presence\",\"channel\":\"room\",\"joined\":[],\"left\":[]}", "{\"type\":\"pong\"}");
        assertThat(core.connections.size()).isEqualTo(1);
    }

    @Test
    void aClientsPingIsAnsweredThroughTheQueueAfterWhatWasQueuedBefore() {
        open();
        text("{\"type\":\"subscribe\",\"channel\":\"room\",\"requestId\":\"s\"}");
        in(new PingWebSocketFrame(Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8)));
        List<Object> out = out();
        assertThat(out).hasSize(3);
        PongWebSocketFrame pong = (PongWebSocketFrame) out.get(2);
        assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("hi");
        pong.release();
    }

    @Test
    void theKeepalivePingLeavesThroughTheQueue() {
        open();
        // the first ping comes after a random half to whole interval (Connections spreads them)
        List<Object> out = out();
        for (int s = 0; out.isEmpty() && s <= ServerSettings.DEFAULT_PING_INTERVAL.toSeconds(); s++) {
            core.time.advance(java.time.Duration.ofSeconds(1));
            out = out();
        }
        assertThat(out).singleElement().isInstanceOf(PingWebSocketFrame.class);
        ((PingWebSocketFrame) out.get(0)).release();
        // the client's pong answers it: no ping timeout
        in(new PongWebSocketFrame());
        core.time.advance(ServerSettings.DEFAULT_PING_TIMEOUT.plusSeconds(1));
        assertThat(out()).isEmpty();
        assertThat(session.isClosing()).isFalse();
    }

    @Test
    void invalidUtf8IsClosedWith1007ByTheSession() {
        open();
        in(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'"', (byte) 0xC3, 0x28, '"'})));
        List<Object> out = out();
        CloseWebSocketFrame close = (CloseWebSocketFrame) out.get(out.size() - 1);
        assertThat(close.statusCode()).isEqualTo(1007);
        close.release();
        assertThat(channel.isOpen()).as("lingering for the client's close").isTrue();
        in(new CloseWebSocketFrame(1007, ""));
        assertThat(channel.isOpen()).isFalse();
        assertThat(core.connections.size()).as("released").isZero();
    }

    @Test
    void aPingFloodIsAnsweredUntilTheBucketIsDryThenClosedWith4011() {
        open();
        for (int i = 0; i < 25; i++) {
            in(new PingWebSocketFrame());
        }
        List<Object> out = out();
        assertThat(out).hasSize(21);
        assertThat(out.subList(0, 20)).allMatch(f -> f instanceof PongWebSocketFrame);
        CloseWebSocketFrame close = (CloseWebSocketFrame) out.get(20);
        assertThat(close.statusCode()).isEqualTo(4011);
        out.forEach(f -> ((io.netty.util.ReferenceCounted) f).release());
    }

    @Test
    void whenTheChannelGoesTheConnectionIsReleased() {
        open();
        text("{\"type\":\"subscribe\",\"channel\":\"room\",\"requestId\":\"s\"}");
        out();
        channel.close();
        assertThat(core.connections.size()).isZero();
        assertThat(core.hub.app(CoreFixture.APP).channelCount()).isZero();
        assertThat(core.cluster.presenceChannelCount()).isZero();
        core.time.advance(Duration.ofMinutes(1)); // no sweep or expiry touches it any more
    }
}

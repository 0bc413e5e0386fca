package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pre-upgrade guard on an {@link EmbeddedChannel} with frozen time. */
class PendingConnectionTest {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final ClientErrors errors = new ClientErrors();
    private final ConnectionBudget budget = new ConnectionBudget(100, 100, 100, a -> false, errors);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final PendingConnection guard = new PendingConnection(channel, budget, TIMEOUT_NANOS, errors);

    PendingConnectionTest() {
        channel.freezeTime();
        assertThat(budget.admit(guard)).isTrue();
        channel.pipeline().addLast(guard);
    }

    private void advance(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    private void request() {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz"));
        ReferenceCountUtil.release(channel.readInbound());
    }

    private void respond(HttpResponseStatus status) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        channel.writeOutbound(res);
        FullHttpResponse written = channel.readOutbound();
        if (status.code() >= 400) {
            assertThat(HttpUtil.isKeepAlive(written)).isFalse();
        }
        written.release();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheTimeout() {
        advance(9);
        assertThat(channel.isOpen()).isTrue();
        advance(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aRequestThatNeverCompletesIsClosedAtTheTimeoutHoweverMuchItDrips() {
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz"));
        ReferenceCountUtil.release(channel.readInbound());
        assertThat(guard.isIdle()).isTrue();
        advance(10);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void theClockStopsWhileTheServerAnswersAndRestartsAfterTheResponse() {
        advance(5);
        request();
        assertThat(guard.isIdle()).isFalse();
        advance(60);
        assertThat(channel.isOpen()).as("the server's own time is not the client's").isTrue();
        respond(HttpResponseStatus.OK);
        assertThat(guard.isIdle()).isTrue();
        advance(9);
        assertThat(channel.isOpen()).isTrue();
        advance(1);
        assertThat(channel.isOpen()).as("idle keep-alive closed").isFalse();
    }

    @Test
    void pipelinedRequestsKeepTheClockStoppedUntilTheLastResponse() {
        request();
        request();
        respond(HttpResponseStatus.OK);
        advance(30);
        assertThat(channel.isOpen()).isTrue();
        respond(HttpResponseStatus.OK);
        advance(10);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anErrorResponseClosesTheConnection() {
        request();
        respond(HttpResponseStatus.NOT_FOUND);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aContinueIsNotTheResponse() {
        request();
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        ReferenceCountUtil.release(channel.readOutbound());
        assertThat(guard.isIdle()).isFalse();
    }

    @Test
    void aSwitchingProtocolsResponseEndsTheGuard() {
        request();
        respond(HttpResponseStatus.SWITCHING_PROTOCOLS);
        assertThat(channel.pipeline().get(PendingConnection.class)).isNull();
        assertThat(budget.pending()).isZero();
        assertThat(budget.open()).isEqualTo(1);
        advance(60);
        assertThat(channel.isOpen()).as("the WebSocket keepalive takes over").isTrue();
        channel.close();
        budget.closed(channel);
        assertThat(budget.open()).isZero();
    }
}

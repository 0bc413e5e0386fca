package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.connection.Link;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.limit.TokenCount;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The connection's inbound message rate (docs/protocol.md 4 [ours], close 4011): every WebSocket
 * frame the client sends takes a token — text, binary, each continuation fragment, ping, pong
 * and close, malformed or not — so no kind of frame can be flooded for free. Asked by the first
 * handler after the frame decoder, for each frame, before anything aggregates or answers it.
 *
 * <p>Once the connection is closing, only the client's close frame goes on (it completes the
 * closing handshake); everything else is dropped here.
 *
 * <p>Not a pipeline handler of its own: the frame handler asks it (and, once a client has
 * fragmented a message, the gate put before the fragment aggregator), so that an idle
 * connection keeps no handler context for it (docs/performance.md, "Idle connections").
 *
 * <p>The bucket of tokens is this object itself (a {@link TokenCount} it extends, not one it
 * holds), its rate and burst are the app's {@link Limits}, read when a token is taken, not copied;
 * and the {@link Session} is this limiter (through its {@link CommandSequencer}): no object of
 * its own per connection (docs/performance.md, "Idle connections").
 *
 * <p>Per connection; confined to its event loop.
 */
public abstract class InboundRateLimiter extends TokenCount {
    /** A full bucket: the limits' burst of tokens at {@code nowNanos}. */
    InboundRateLimiter(Limits limits, long nowNanos) {
        super(limits.messageBurst(), nowNanos);
    }

    /** The app's limits: {@link Limits#messageRate} and {@link Limits#messageBurst}. */
    abstract Limits limits();

    /** Now, in nanoseconds, on the clock the bucket refills by. */
    abstract long nanoTime();

    /** The connection's link: a dry bucket closes it (4011); once it is closing, frames are dropped. */
    abstract Link link();

    /** The largest message a fragmented one may aggregate to; 0 when fragments are not aggregated. */
    public abstract int maxMessageBytes();

    @Override
    protected final double capacity() {
        return limits().messageBurst();
    }

    @Override
    protected final double tokensPerNano() {
        return limits().messageRate() / 1_000_000_000.0;
    }

    /**
     * Takes {@code frame}'s token, closing the connection (4011) when there is none, and tells
     * whether the frame goes on; one that does not is released here.
     */
    public boolean admit(WebSocketFrame frame) {
        Link link = link();
        if (!link.isClosing() && !tryTake(nanoTime())) {
            link.close(CloseCode.OVER_MESSAGE_RATE.code(), "message rate exceeded");
        }
        if (link.isClosing() && !(frame instanceof CloseWebSocketFrame)) {
            frame.release();
            return false;
        }
        return true;
    }
}

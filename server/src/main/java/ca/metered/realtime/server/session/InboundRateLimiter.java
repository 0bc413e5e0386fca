package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.connection.Link;
import ca.metered.realtime.server.limit.TokenBucket;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.function.LongSupplier;

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
 * <p>The bucket of tokens is this object itself (a {@link TokenBucket} it extends, not one it
 * holds: one object fewer per connection).
 *
 * <p>Per connection; confined to its event loop.
 */
public final class InboundRateLimiter extends TokenBucket {
    private final LongSupplier nanoTime;
    private final Link link;
    /** The largest aggregated message, in bytes; 0 for no aggregation. */
    private final int maxMessageBytes;

    InboundRateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime, Link link) {
        this(ratePerSecond, burst, nanoTime, link, 0);
    }

    /** @param maxMessageBytes the largest message a fragmented one may aggregate to; 0 for no aggregation */
    InboundRateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime, Link link, int maxMessageBytes) {
        super(ratePerSecond, burst, nanoTime.getAsLong());
        this.nanoTime = nanoTime;
        this.link = link;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Takes {@code frame}'s token, closing the connection (4011) when there is none, and tells
     * whether the frame goes on; one that does not is released here.
     */
    public boolean admit(WebSocketFrame frame) {
        if (!link.isClosing() && !tryTake(nanoTime.getAsLong())) {
            link.close(CloseCode.OVER_MESSAGE_RATE.code(), "message rate exceeded");
        }
        if (link.isClosing() && !(frame instanceof CloseWebSocketFrame)) {
            frame.release();
            return false;
        }
        return true;
    }

    /** The largest message a fragmented one may aggregate to; 0 when fragments are not aggregated. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}

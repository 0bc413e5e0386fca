package ca.metered.realtime.server.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Aggregates HTTP requests and refuses bodies over the REST cap (docs/protocol.md 5: 32 KB) with
 * HTTP 413 in the shared JSON error shape, instead of Netty's empty 413.
 *
 * <p>Per connection.
 */
final class BodyLimit extends HttpObjectAggregator {
    static final int MAX_BODY = 32 * 1024;

    private final ClientErrors errors;

    BodyLimit(ClientErrors errors) {
        super(MAX_BODY);
        this.errors = errors;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
        errors.record(ctx.channel(), ClientErrors.Kind.MALFORMED_REQUEST, "request body over " + MAX_BODY + " bytes");
        ctx.writeAndFlush(HttpResponses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "invalid_request",
                "request body exceeds " + MAX_BODY + " bytes")).addListener(ChannelFutureListener.CLOSE);
    }
}

package ca.metered.realtime.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stop of a connection's failures: a client's doing (a reset, a request or frame that
 * does not parse, a bad upgrade) is recorded in {@link ClientErrors}, one DEBUG line; anything
 * else is a bug of ours and gets its stack trace at WARN. Either way the connection is closed.
 * Without it Netty logs every failure that reaches the end of the pipeline at WARN with its
 * stack trace, which a client could trigger at will.
 *
 * <p>Stateless; shared by every connection.
 */
@ChannelHandler.Sharable
final class ClientErrorSink extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientErrorSink.class);

    private final ClientErrors errors;

    ClientErrorSink(ClientErrors errors) {
        this.errors = errors;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!errors.recordIfClientError(ctx.channel(), cause)) {
            log.warn("unexpected error on connection {}", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}

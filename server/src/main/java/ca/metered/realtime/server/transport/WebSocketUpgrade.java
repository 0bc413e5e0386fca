package ca.metered.realtime.server.transport;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.auth.AuthOutcome;
import ca.metered.realtime.server.auth.Authenticator;
import ca.metered.realtime.server.session.Session;
import ca.metered.realtime.server.session.Sessions;
import ca.metered.realtime.server.metrics.NodeMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code GET /v1} upgrade, in the order of docs/protocol.md 1: per-address connect rate (HTTP
 * 429, no WebSocket), the RFC 6455 form of the request (HTTP 400/426, {@link
 * UpgradeRequestCheck}), origin (HTTP 401 {@code origin_not_allowed}), then the upgrade, then
 * auth and plan failures as a 4xxx close before any {@code welcome}.
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
final class WebSocketUpgrade {
    /** Room for the envelope around a payload the SDK checked against maxMessageSize (docs/protocol.md 4). */
    static final int ENVELOPE_HEADROOM = 1024;

    private final Authenticator authenticator;
    private final Sessions sessions;
    private final ConnectRateLimiter rateLimiter;
    private final ClientAddress clientAddress;
    private final boolean tls;
    private final ClientErrors errors;
    private final NodeMetrics metrics;
    /** Bounded: apps with distinct message sizes are few; past this many, configurations are not shared. */
    private static final int MAX_DECODER_CONFIGS = 64;
    private final ConcurrentHashMap<Integer, WebSocketDecoderConfig> decoderConfigs = new ConcurrentHashMap<>();

    WebSocketUpgrade(Authenticator authenticator, Sessions sessions, ConnectRateLimiter rateLimiter,
            ClientAddress clientAddress, boolean tls, ClientErrors errors, NodeMetrics metrics) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.rateLimiter = rateLimiter;
        this.clientAddress = clientAddress;
        this.tls = tls;
        this.errors = errors;
        this.metrics = metrics;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        Channel channel = ctx.channel();
        String rateKey = clientAddress.rateKey((InetSocketAddress) channel.remoteAddress(),
                req.headers().get("X-Forwarded-For"));
        if (rateKey != null && !rateLimiter.tryAcquire(rateKey)) {
            HttpRouter.respond(ctx, req, HttpResponses.error(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited",
                    "too many connection attempts from this address; retry later"));
            return;
        }
        FullHttpResponse refusal = UpgradeRequestCheck.refusal(req);
        if (refusal != null) {
            errors.record(channel, ClientErrors.Kind.BAD_UPGRADE, refusal.status().toString());
            HttpRouter.respond(ctx, req, refusal);
            return;
        }
        CredentialParams credentials = CredentialParams.of(req.uri());
        AuthOutcome outcome = credentials.problem() != null
                ? new AuthOutcome.Rejected(CloseCode.INVALID_TOKEN.code(), credentials.problem())
                : authenticator.authenticate(credentials.key(), credentials.token(),
                        req.headers().get(HttpHeaderNames.ORIGIN));
        if (outcome instanceof AuthOutcome.OriginRejected) {
            metrics.authFailure("origin_not_allowed");
            HttpRouter.respond(ctx, req, HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, "origin_not_allowed",
                    "the Origin is not in the key's allowedOrigins"));
            return;
        }
        int maxMessageSize = outcome instanceof AuthOutcome.Granted g
                ? g.grant().app().limits().maxMessageSize() : 65536;
        int maxFrameBytes = maxMessageSize + ENVELOPE_HEADROOM;
        String scheme = tls ? "wss" : "ws";
        Rfc6455Handshaker handshaker = new Rfc6455Handshaker(
                scheme + "://" + req.headers().get(HttpHeaderNames.HOST) + "/v1", decoderConfig(maxFrameBytes));
        ChannelPipeline pipeline = ctx.pipeline();
        Session session = null;
        WebSocketFrameHandler frames = null;
        if (outcome instanceof AuthOutcome.Granted g) {
            // The address object the channel (or the proxy header's parse) already holds: formatted only when shown.
            Object remote = clientAddress.client((InetSocketAddress) channel.remoteAddress(),
                    req.headers().get("X-Forwarded-For")).<Object>map(a -> a).orElse("unknown");
            session = sessions.create(channel, g.grant(), remote, maxFrameBytes);
            // the session's frame handler (the decoder) is the only handler from the upgrade on
            frames = new WebSocketFrameHandler(handshaker.decoderConfig(), session, errors);
            if (pipeline.get(ClientErrorSink.class) != null) {
                pipeline.remove(ClientErrorSink.class);
            }
        }
        pipeline.remove(ctx.handler());
        // The 101 is written, not flushed: it leaves in one write with the welcome (or the
        // close) that follows it, in that order (the same bytes as two writes, one syscall and
        // one segment fewer per connection).
        // a session's frame handler decodes and encodes; a refused credential's close needs Netty's
        handshaker.upgrade(channel, req, frames).addListener(CLOSE_ON_FAILURE);
        if (outcome instanceof AuthOutcome.Rejected r) {
            metrics.authFailure(reasonLabel(r.closeCode()));
            metrics.closed(r.closeCode());
            closeBeforeWelcome(channel, r.closeCode(), r.reason());
            return;
        }
        session.start();
        if (!session.flushPending()) {
            channel.flush(); // the welcome waits for the backplane: the 101 goes now
        }
    }

    /** A 101 that could not be written: the socket is broken; the session, if any, ends with it. */
    private static final ChannelFutureListener CLOSE_ON_FAILURE = f -> {
        if (!f.isSuccess()) {
            f.channel().close();
        }
    };

    /** One decoder configuration per frame-size limit, shared by every connection that has it. */
    private WebSocketDecoderConfig decoderConfig(int maxFramePayload) {
        WebSocketDecoderConfig c = decoderConfigs.get(maxFramePayload);
        if (c == null) {
            c = newDecoderConfig(maxFramePayload);
            if (decoderConfigs.size() < MAX_DECODER_CONFIGS) {
                decoderConfigs.putIfAbsent(maxFramePayload, c);
            }
        }
        return c;
    }

    /** The decoder configuration of a connection whose frames carry up to {@code maxFramePayload} bytes. */
    static WebSocketDecoderConfig newDecoderConfig(int maxFramePayload) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFramePayload)
                .allowExtensions(false)
                // Violations are reported, not answered: the session closes so the client can read the code.
                .closeOnProtocolViolation(false)
                .build();
    }

    /** The {@code reason} label of {@code rms_auth_failures_total} for a refused handshake. */
    private static String reasonLabel(int closeCode) {
        if (closeCode == CloseCode.TOKEN_EXPIRED.code()) {
            return "token_expired";
        }
        if (closeCode == CloseCode.ACCOUNT_SUSPENDED.code()) {
            return "app_disabled";
        }
        return "invalid_token";
    }

    private static void closeBeforeWelcome(Channel channel, int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }
}

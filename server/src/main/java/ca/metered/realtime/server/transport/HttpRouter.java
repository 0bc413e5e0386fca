package ca.metered.realtime.server.transport;

import ca.metered.realtime.server.rest.RestApi;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each HTTP request on the shared port: the WebSocket upgrade at {@code /v1}, health
 * probes, the REST control plane under {@code /v1/}, the demo page's files under
 * {@code /demo/}, and what operators use: {@code /metrics} and the admin under {@code /admin/}.
 *
 * <p>Per connection (removed once the connection upgrades); runs on its event loop.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
    private static final RootPage ROOT = new RootPage(RootPage.buildVersion());

    private final WebSocketUpgrade upgrade;
    private final RestApi rest;
    private final BooleanSupplier ready;
    private final StaticFiles demo;
    private final ClientErrors errors;
    private final OperatorEndpoints operators;

    HttpRouter(WebSocketUpgrade upgrade, RestApi rest, BooleanSupplier ready, StaticFiles demo, ClientErrors errors,
               OperatorEndpoints operators) {
        this.upgrade = upgrade;
        this.rest = rest;
        this.ready = ready;
        this.demo = demo;
        this.errors = errors;
        this.operators = operators;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            Throwable cause = req.decoderResult().cause();
            errors.record(ctx.channel(), ClientErrors.Kind.MALFORMED_REQUEST,
                    cause.getClass().getSimpleName() + ": " + cause.getMessage());
            respond(ctx, req, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid_request", "malformed HTTP request"));
            return;
        }
        String path = new QueryStringDecoder(req.uri()).rawPath();
        if (ConnectionBudget.isProbeOnly(ctx.channel()) && !"/healthz".equals(path) && !"/readyz".equals(path)) {
            // let in from the descriptor reserve while every connection is taken: probes only
            respond(ctx, req, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "internal_error",
                    "server at connection capacity; retry later"));
            return;
        }
        if ("/v1".equals(path) || "/v1/".equals(path)) {
            if (isUpgrade(req)) {
                if (!ready.getAsBoolean()) {
                    respond(ctx, req, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "internal_error",
                            "server is shutting down"));
                    return;
                }
                upgrade.handle(ctx, req);
            } else {
                respond(ctx, req, HttpResponses.error(HttpResponseStatus.UPGRADE_REQUIRED, "invalid_request",
                        "GET /v1 is the WebSocket endpoint; send a WebSocket upgrade"));
            }
            return;
        }
        if ("/healthz".equals(path)) {
            respond(ctx, req, HttpResponses.json(HttpResponseStatus.OK, Map.of("status", "ok")));
            return;
        }
        if ("/readyz".equals(path)) {
            boolean ok = ready.getAsBoolean();
            respond(ctx, req, HttpResponses.json(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    Map.of("status", ok ? "ready" : "draining")));
            return;
        }
        if ("/".equals(path)) {
            respond(ctx, req, ROOT.respond(req));
            return;
        }
        if (demo.matches(path)) {
            respond(ctx, req, demo.respond(req.method(), path));
            return;
        }
        if (operators.matches(path)) {
            req.retain();
            operators.handle(ctx, req, path).ifPresentOrElse(stage -> stage.whenComplete((res, err) -> {
                try {
                    respond(ctx, req, err != null ? internalError(req, path, err) : res);
                } finally {
                    req.release();
                }
            }), req::release);
            return;
        }
        if (path.startsWith("/v1/")) {
            req.retain();
            rest.handle(req, path).whenComplete((res, err) -> {
                try {
                    respond(ctx, req, err != null ? internalError(req, path, err) : res);
                } finally {
                    req.release();
                }
            });
            return;
        }
        respond(ctx, req, HttpResponses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint"));
    }

    private static FullHttpResponse internalError(FullHttpRequest req, String path, Throwable err) {
        log.error("{} {} failed", req.method(), path, err);
        return HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "internal_error", "internal error");
    }

    private static boolean isUpgrade(FullHttpRequest req) {
        return req.method().equals(HttpMethod.GET)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && req.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /**
     * Writes a response, honouring keep-alive (an error response also closes: {@link
     * PendingConnection}). Safe from any thread.
     */
    static void respond(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}

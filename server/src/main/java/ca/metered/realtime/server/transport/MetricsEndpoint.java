package ca.metered.realtime.server.transport;

import ca.metered.realtime.server.metrics.MetricsAccess;
import ca.metered.realtime.server.metrics.NodeMetrics;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the node's meters in the Prometheus text format (or OpenMetrics, by
 * {@code Accept}), to the clients {@link MetricsAccess} lets in; 401 (with
 * {@code WWW-Authenticate: Bearer}) or 403 in the shared JSON error shape otherwise.
 *
 * <p>Thread-safe; the access rule is read per request, so a reloaded token applies at once.
 */
final class MetricsEndpoint {
    static final String PATH = "/metrics";

    private final NodeMetrics metrics;
    private final Supplier<MetricsAccess> access;

    MetricsEndpoint(NodeMetrics metrics, Supplier<MetricsAccess> access) {
        this.metrics = metrics;
        this.access = access;
    }

    /** @param client the client's address as {@link ClientAddress#client} resolved it */
    FullHttpResponse respond(FullHttpRequest req, Optional<InetAddress> client) {
        boolean head = HttpMethod.HEAD.equals(req.method());
        if (!head && !HttpMethod.GET.equals(req.method())) {
            return HttpResponses.getOrHeadOnly();
        }
        String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        MetricsAccess.Decision decision = access.get().check(client, authorization);
        switch (decision) {
            case UNAUTHORIZED -> {
                FullHttpResponse res = HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                        "send Authorization: Bearer <metrics.bearerToken>");
                res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"rms metrics\"");
                return res;
            }
            case FORBIDDEN -> {
                return HttpResponses.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                        "metrics are served to loopback clients only; set metrics.bearerToken to allow others");
            }
            case ALLOWED -> {
                NodeMetrics.Scrape scrape = metrics.scrape(req.headers().get(HttpHeaderNames.ACCEPT));
                byte[] body = scrape.body().getBytes(StandardCharsets.UTF_8);
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, scrape.contentType());
                res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                return res;
            }
            default -> throw new IllegalStateException(decision.toString());
        }
    }
}

package ca.metered.realtime.server.transport;

import ca.metered.realtime.server.admin.AdminConsole;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the main port serves to operators: {@code GET /metrics} (unless it has its own listener)
 * and the admin dashboard under {@code /admin/} with its static assets.
 *
 * <p>Thread-safe; shared by every connection.
 */
final class OperatorEndpoints {
    private final Optional<MetricsEndpoint> metrics;
    private final Optional<AdminConsole> admin;
    private final StaticFiles adminAssets;
    private final ClientAddress clientAddress;
    private final boolean secure;

    /**
     * @param metrics the scrape endpoint, empty when {@code metrics.port} moves it to its own listener
     * @param admin the dashboard, empty for an embedded server without one
     */
    OperatorEndpoints(Optional<MetricsEndpoint> metrics, Optional<AdminConsole> admin, ClientAddress clientAddress,
                      boolean secure) {
        this.metrics = metrics;
        this.admin = admin;
        this.adminAssets = new StaticFiles("/admin/assets", "admin/assets", OperatorEndpoints.class.getClassLoader());
        this.clientAddress = clientAddress;
        this.secure = secure;
    }

    /** Nothing for operators (tests of other endpoints). */
    static OperatorEndpoints none(ClientAddress clientAddress) {
        return new OperatorEndpoints(Optional.empty(), Optional.empty(), clientAddress, false);
    }

    /** Whether {@code path} is one of these endpoints. */
    boolean matches(String path) {
        return (metrics.isPresent() && MetricsEndpoint.PATH.equals(path)) || AdminConsole.matches(path);
    }

    /**
     * Answers a request whose path {@link #matches}; empty when the response is already being
     * written (an admin event stream).
     */
    Optional<CompletionStage<FullHttpResponse>> handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        Optional<InetAddress> client = clientAddress.client((InetSocketAddress) ctx.channel().remoteAddress(),
                req.headers().get("X-Forwarded-For"));
        if (MetricsEndpoint.PATH.equals(path)) {
            return Optional.of(CompletableFuture.completedFuture(
                    metrics.orElseThrow().respond(req, client)));
        }
        if (admin.isEmpty() || !admin.get().enabled()) {
            return Optional.of(CompletableFuture.completedFuture(HttpResponses.error(
                    HttpResponseStatus.NOT_FOUND, "not_found",
                    "the admin dashboard is off: add an admin section (username, password) to the configuration")));
        }
        if (adminAssets.matches(path)) {
            return Optional.of(CompletableFuture.completedFuture(
                    adminAssets.respond(req.method(), path)));
        }
        return admin.get().handle(ctx, req, path, client, secure);
    }
}

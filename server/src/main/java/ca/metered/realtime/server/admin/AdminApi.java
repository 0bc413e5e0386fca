package ca.metered.realtime.server.admin;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.server.auth.MintedToken;
import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.auth.TokenRequest;
import ca.metered.realtime.server.auth.TokenRequestException;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.ConfigReloader;
import ca.metered.realtime.server.config.PublishableKeyConfig;
import ca.metered.realtime.server.config.SecretKeyConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.metrics.AppMeters;
import ca.metered.realtime.server.metrics.NodeMetrics;
import ca.metered.realtime.server.rest.JsonBody;
import ca.metered.realtime.server.rest.PathSegment;
import ca.metered.realtime.server.rest.RestError;
import ca.metered.realtime.server.transport.HttpResponses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The admin's JSON endpoints under {@code /admin/api/} (docs/operations.md "Admin API"), for a
 * request that {@link AdminConsole} has already authenticated. Reads come from the node's meters,
 * its configuration and the {@link AdminBackend}; every action is written to the {@link AuditLog}.
 * Errors use the shared shape {@code {"error","message"}}.
 *
 * <p>Thread-safe; runs on the request's event loop and never blocks it (a reload reads the file on
 * {@code blocking}).
 */
final class AdminApi {
    static final int MAX_LIMIT = 1000;

    private final AdminBackend backend;
    private final NodeMetrics metrics;
    private final Supplier<ServerConfig> config;
    private final ConfigReloader reloader;
    private final TokenMinter minter;
    private final AuditLog audit;
    private final LiveFeed feed;
    private final Executor blocking;
    private final ObjectMapper json = HttpResponses.mapper();
    private volatile long loadedAt;

    AdminApi(AdminBackend backend, NodeMetrics metrics, ConfigReloader reloader, TokenMinter minter, AuditLog audit,
             LiveFeed feed, Executor blocking, long startedAt) {
        this.backend = backend;
        this.metrics = metrics;
        this.config = reloader::current;
        this.reloader = reloader;
        this.minter = minter;
        this.audit = audit;
        this.feed = feed;
        this.blocking = blocking;
        this.loadedAt = startedAt;
        reloader.addListener((previous, current, change) -> loadedAt = System.currentTimeMillis());
    }

    /** An error answered as JSON with its status. */
    static final class Failure extends RuntimeException {
        final HttpResponseStatus status;
        final String code;

        Failure(HttpResponseStatus status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    static Failure notFound(String message) {
        return new Failure(HttpResponseStatus.NOT_FOUND, "not_found", message);
    }

    static Failure invalid(String message) {
        return new Failure(HttpResponseStatus.BAD_REQUEST, "invalid_request", message);
    }

    /**
     * @param rest the path after {@code /admin/api/}, raw (not decoded)
     * @param user the authenticated admin
     * @param remote the client address, for the audit log
     */
    CompletionStage<FullHttpResponse> handle(FullHttpRequest req, String rest, String user, String remote) {
        try {
            return route(req, rest, user, remote).exceptionally(this::failure);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e));
        }
    }

    private FullHttpResponse failure(Throwable t) {
        Throwable e = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (e instanceof Failure f) {
            return HttpResponses.error(f.status, f.code, f.getMessage());
        }
        if (e instanceof RestError r) {
            return HttpResponses.error(r.status(), r.code(), r.getMessage());
        }
        if (e instanceof TokenRequestException tre) {
            return HttpResponses.error(HttpResponseStatus.BAD_REQUEST, tre.code(), tre.getMessage());
        }
        org.slf4j.LoggerFactory.getLogger(AdminApi.class).error("admin API handler failed", e);
        return HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "internal_error", "internal error");
    }

    private CompletionStage<FullHttpResponse> route(FullHttpRequest req, String rest, String user, String remote) {
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        String[] seg = rest.isEmpty() ? new String[0] : rest.split("/", -1);
        boolean get = HttpMethod.GET.equals(req.method());
        boolean post = HttpMethod.POST.equals(req.method());
        if (seg.length == 1 && get) {
            switch (seg[0]) {
                case "overview" -> {
                    return overview().thenApply(AdminApi::ok);
                }
                case "apps" -> {
                    return apps().thenApply(AdminApi::ok);
                }
                case "connections" -> {
                    Optional<String> app = Optional.ofNullable(param(query, "app")).filter(a -> !a.isEmpty());
                    return done(backend.connections(app, Optional.ofNullable(param(query, "q")).orElse(""),
                            limit(query)));
                }
                case "config" -> {
                    return done(configView());
                }
                case "activity" -> {
                    return done(Map.of("entries", audit.recent()));
                }
                default -> {
                    // not found below
                }
            }
        }
        if (seg.length == 3 && get && seg[0].equals("apps") && seg[2].equals("channels")) {
            String app = knownApp(seg[1]);
            return done(backend.channels(app, Optional.ofNullable(param(query, "q")).orElse(""), limit(query)));
        }
        if (seg.length == 4 && get && seg[0].equals("apps") && seg[2].equals("channels")) {
            String app = knownApp(seg[1]);
            String channel = segment(seg[3]);
            return backend.channel(app, channel).thenApply(d -> ok(d.orElseThrow(() -> notFound("no such app"))));
        }
        if (seg.length == 4 && get && seg[0].equals("apps") && seg[2].equals("peers")) {
            String app = knownApp(seg[1]);
            String peer = segment(seg[3]);
            return backend.peer(app, peer).thenApply(d -> ok(d.orElseThrow(() -> notFound("no such app"))));
        }
        if (seg.length == 5 && post && seg[0].equals("apps") && seg[2].equals("peers") && seg[4].equals("kick")) {
            String app = knownApp(seg[1]);
            String peer = segment(seg[3]);
            String target = app + "/" + peer;
            return backend.kick(app, peer).handle((v, err) -> {
                if (err != null) {
                    audit.record(user, remote, "kick", target, "failed", err.getMessage());
                    throw new Failure(HttpResponseStatus.SERVICE_UNAVAILABLE, "backend_error",
                            "the kick could not be delivered to the cluster; retry");
                }
                audit.record(user, remote, "kick", target, "ok", "closed 4020");
                return ok(Map.of("app", app, "peerId", peer, "kicked", true));
            });
        }
        if (seg.length == 3 && post && seg[0].equals("apps") && seg[2].equals("tokens")) {
            return done(mint(knownApp(seg[1]), JsonBody.of(json, req), user, remote));
        }
        if (seg.length == 2 && post && seg[0].equals("config") && seg[1].equals("reload")) {
            return CompletableFuture.supplyAsync(reloader::reload, blocking).thenApply(r -> {
                audit.record(user, remote, "config.reload", null, r.applied() ? "applied" : "refused",
                        r.applied() ? r.change().orElseThrow().summary() : r.error().orElseThrow());
                ObjectNode out = json.createObjectNode();
                out.put("applied", r.applied());
                r.change().ifPresent(c -> {
                    out.put("summary", c.summary());
                    out.set("change", json.valueToTree(c));
                });
                r.error().ifPresent(e -> out.put("error", e));
                return ok(out);
            });
        }
        throw notFound("no such admin endpoint");
    }

    private CompletionStage<Map<String, Object>> overview() {
        AdminBackend.NodeInfo node = backend.node();
        ServerConfig cfg = config.get();
        return backend.nodes().thenApply(nodes -> Map.of(
                "node", node,
                "nodes", nodes,
                "apps", cfg.apps().size(),
                "history", feed.history()));
    }

    private CompletionStage<Map<String, Object>> apps() {
        ServerConfig cfg = config.get();
        List<CompletableFuture<ObjectNode>> all = new ArrayList<>();
        for (AppConfig app : cfg.apps()) {
            all.add(backend.usage(app.id()).toCompletableFuture()
                    .exceptionally(e -> new AdminBackend.AppUsage(null, null, null, null))
                    .thenApply(u -> app(app, u)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(v -> Map.of("apps", all.stream().map(CompletableFuture::join).toList()));
    }

    private ObjectNode app(AppConfig app, AdminBackend.AppUsage usage) {
        AppMeters m = metrics.app(app.id());
        ObjectNode out = json.createObjectNode();
        out.put("id", app.id());
        out.put("enabled", app.enabled());
        out.put("connections", m.connections());
        out.put("channels", m.channels());
        out.put("subscriptions", m.subscriptions());
        out.put("received", m.messagesReceived());
        out.put("delivered", m.messagesDelivered());
        putNullable(out, "clusterConnections", usage.clusterConnections());
        putNullable(out, "messagesThisPeriod", usage.messagesThisPeriod());
        if (usage.periodStart() != null) {
            ObjectNode period = out.putObject("period");
            period.put("start", usage.periodStart());
            period.put("end", usage.periodEnd());
        }
        ObjectNode limits = out.putObject("limits");
        limits.put("maxMessageSize", app.limits().maxMessageSize());
        limits.put("maxChannelsPerConnection", app.limits().maxChannelsPerConnection());
        limits.put("messageRate", app.limits().messageRate());
        limits.put("messageBurst", app.limits().messageBurst());
        limits.put("maxConcurrentConnections", app.limits().maxConcurrentConnections());
        limits.put("maxMessagesPerPeriod", app.limits().maxMessagesPerPeriod());
        limits.put("maxTokenLifetimeSeconds", app.limits().maxTokenLifetime().toSeconds());
        ArrayNode pks = out.putArray("publishableKeys");
        for (PublishableKeyConfig k : app.publishableKeys()) {
            ObjectNode pk = pks.addObject();
            pk.put("key", k.key());
            k.channels().forEach(c -> pk.withArray("channels").add(c.glob()));
            actions(pk.putArray("actions"), k.actions());
        }
        out.set("webhooks", json.valueToTree(backend.webhooks(app.id())));
        ArrayNode sks = out.putArray("secretKeys");
        for (SecretKeyConfig k : app.secretKeys()) {
            ObjectNode sk = sks.addObject();
            sk.put("id", k.id());
            k.channels().forEach(c -> sk.withArray("channels").add(c.glob()));
            actions(sk.putArray("actions"), k.actions());
        }
        return out;
    }

    private ObjectNode configView() {
        ObjectNode out = json.createObjectNode();
        out.put("reloadable", reloader.canReload());
        out.put("loadedAt", loadedAt);
        out.set("config", ConfigView.of(config.get(), json));
        return out;
    }

    /** {@code POST /admin/api/apps/{app}/tokens}: the body of {@code POST /v1/tokens} plus {@code keyId}. */
    private ObjectNode mint(String appId, JsonBody body, String user, String remote) {
        AppConfig app = config.get().app(appId).orElseThrow(() -> notFound("no such app"));
        String keyId = body.has("keyId") ? body.requiredString("keyId") : null;
        SecretKeyConfig key = app.secretKeys().stream()
                .filter(k -> keyId == null || k.id().equals(keyId)).findFirst()
                .orElseThrow(() -> invalid(keyId == null ? "the app has no secret key to sign with"
                        : "no secret key " + keyId + " in app " + appId));
        TokenRequest request = new TokenRequest(body.requiredString("peerId"), body.stringList("channels"),
                body.stringList("permissions"), body.optionalLong("expiresInSec"), body.optionalObject("metadata"),
                body.optionalObject("peerMetadata"));
        MintedToken minted = minter.mint(key, request, app.limits().maxTokenLifetime());
        audit.record(user, remote, "token.mint", appId + "/" + request.peerId(), "ok",
                "key " + key.id() + ", expires " + java.time.Instant.ofEpochSecond(minted.expiresAtEpochSeconds()));
        ObjectNode out = json.createObjectNode();
        out.put("token", minted.token());
        out.put("expiresAt", minted.expiresAtEpochSeconds());
        out.put("keyId", key.id());
        out.set("claims", claims(minted.token()));
        return out;
    }

    private JsonNode claims(String token) {
        String payload = token.split("\\.")[1];
        try {
            return json.readTree(Base64.getUrlDecoder().decode(payload));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("minted token has no readable payload", e);
        }
    }

    private String knownApp(String rawSegment) {
        String app = segment(rawSegment);
        if (config.get().app(app).isEmpty()) {
            throw notFound("no such app: " + app);
        }
        return app;
    }

    private static String segment(String raw) {
        String decoded = PathSegment.decode(raw);
        if (decoded == null || decoded.isEmpty()) {
            throw invalid("path segment is not valid percent-encoded UTF-8");
        }
        return decoded;
    }

    private static String param(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static int limit(QueryStringDecoder query) {
        String raw = param(query, "limit");
        if (raw == null) {
            return 200;
        }
        try {
            return Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(raw)));
        } catch (NumberFormatException e) {
            throw invalid("limit must be an integer");
        }
    }

    private static void actions(ArrayNode out, java.util.Set<Action> actions) {
        actions.stream().sorted().forEach(a -> out.add(a.wireName()));
    }

    private static void putNullable(ObjectNode out, String field, Number value) {
        if (value == null) {
            out.putNull(field);
        } else {
            out.put(field, value.longValue());
        }
    }

    private static CompletionStage<FullHttpResponse> done(Object body) {
        return CompletableFuture.completedFuture(ok(body));
    }

    private static FullHttpResponse ok(Object body) {
        return HttpResponses.json(HttpResponseStatus.OK, body);
    }
}

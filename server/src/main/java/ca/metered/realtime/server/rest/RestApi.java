package ca.metered.realtime.server.rest;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelNames;
import ca.metered.realtime.protocol.PeerIds;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.Node;
import ca.metered.realtime.server.auth.AppAndKey;
import ca.metered.realtime.server.auth.ChannelScope;
import ca.metered.realtime.server.auth.MintedToken;
import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.auth.TokenRequest;
import ca.metered.realtime.server.auth.TokenRequestException;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.server.cluster.UsageStore;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.hub.AppHub;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.session.TokenBucket;
import ca.metered.realtime.server.transport.HttpResponses;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The REST control plane (protocol.md 7): tokens, channel peers, server-side publish, kicks,
 * usage and ICE servers (docs/turn.md). Authenticated with the secret key pair; every failure uses the shared error shape.
 * It calls the same hub and backplane operations as the WebSocket path.
 *
 * <p>Thread-safe; handlers run on the connection's event loop and never block it.
 */
public final class RestApi {
    /** Per secret key: sustained requests per second and burst before HTTP 429 [ours]. */
    static final int RATE_PER_SECOND = 100;
    static final int RATE_BURST = 200;
    private static final int MAX_PEER_METADATA_BYTES = 4096;

    private final Node node;
    private final ObjectMapper json = HttpResponses.mapper();
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public RestApi(Node node) {
        this.node = node;
    }

    /** Handles one request under {@code /v1/}; the returned stage never fails for client errors. */
    public CompletionStage<FullHttpResponse> handle(FullHttpRequest req, String rawPath) {
        try {
            return route(req, rawPath).exceptionally(this::failure);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e));
        }
    }

    private FullHttpResponse failure(Throwable t) {
        Throwable e = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (e instanceof RestError r) {
            return HttpResponses.error(r.status(), r.code(), r.getMessage());
        }
        if (e instanceof TokenRequestException tre) {
            return HttpResponses.error(RestError.statusFor(tre.code()), tre.code(), tre.getMessage());
        }
        org.slf4j.LoggerFactory.getLogger(RestApi.class).error("REST handler failed", e);
        return HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "internal_error", "internal error");
    }

    private CompletionStage<FullHttpResponse> route(FullHttpRequest req, String rawPath) {
        String[] seg = rawPath.substring(1).split("/", -1); // ["v1", ...]
        HttpMethod m = req.method();
        Route route = Route.match(seg);
        if (route == null) {
            throw new RestError(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint");
        }
        if (!route.method.equals(m)) {
            throw new RestError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    route.method + " is the only method on this path");
        }
        AppAndKey auth = node.secretKeys().authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION))
                .orElseThrow(() -> new RestError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                        "send Authorization: Bearer sk_id_…:sk_secret_…"));
        TokenBucket bucket = buckets.computeIfAbsent(auth.key().id(),
                id -> new TokenBucket(RATE_PER_SECOND, RATE_BURST, node.nanoTime()));
        boolean allowed;
        synchronized (bucket) {
            allowed = bucket.tryTake(node.nanoTime());
        }
        if (!allowed) {
            throw new RestError(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited",
                    "too many requests for this key; retry later");
        }
        return switch (route) {
            case TOKENS -> CompletableFuture.completedFuture(tokens(auth, body(req)));
            case PEERS -> peers(auth, decodeSegment(seg[2]));
            case PUBLISH -> publish(auth, decodeSegment(seg[2]), body(req));
            case KICK -> kick(auth, decodeSegment(seg[2]));
            case USAGE -> usage(auth);
            case ICE_SERVERS -> CompletableFuture.completedFuture(iceServers(auth, req));
        };
    }

    private FullHttpResponse tokens(AppAndKey auth, JsonNode body) {
        String peerId = requiredString(body, "peerId");
        Long expiresInSec = optionalLong(body, "expiresInSec");
        JsonNode metadata = optionalObject(body, "metadata");
        if (optionalBoolean(body, "embedIceServers")) {
            // Credentials outlive the token; out-of-range values are refused by the minter below.
            long lifetime = expiresInSec == null ? TokenMinter.DEFAULT_EXPIRES_IN_SEC
                    : Math.max(0, Math.min(expiresInSec, TokenMinter.MAX_EXPIRES_IN_SEC));
            metadata = embedIceServers(auth, peerId, metadata, lifetime);
        }
        TokenRequest request = new TokenRequest(
                peerId,
                stringList(body, "channels"),
                stringList(body, "permissions"),
                expiresInSec,
                metadata,
                optionalObject(body, "peerMetadata"));
        MintedToken minted = node.tokenMinter().mint(auth.key(), request, auth.app().limits().maxTokenLifetime());
        ObjectNode out = json.createObjectNode();
        out.put("token", minted.token());
        out.put("expiresAt", minted.expiresAtEpochSeconds());
        return HttpResponses.json(HttpResponseStatus.OK, out);
    }

    private JsonNode embedIceServers(AppAndKey auth, String peerId, JsonNode metadata, long lifetime) {
        if (!PeerIds.isValid(peerId)) {
            throw RestError.invalid("peerId is required and must be 1-128 printable ASCII characters");
        }
        try {
            return node.iceServers().embed(auth.app(), peerId, metadata, epochSeconds() + lifetime);
        } catch (IllegalArgumentException e) {
            throw RestError.invalid(e.getMessage());
        }
    }

    /** {@code GET /v1/ice-servers?peerId=…[&expiresInSec=…]}: a fresh list for a backend's own tokens. */
    private FullHttpResponse iceServers(AppAndKey auth, FullHttpRequest req) {
        Map<String, List<String>> query = new QueryStringDecoder(req.uri()).parameters();
        String peerId = single(query, "peerId");
        if (peerId == null || !PeerIds.isValid(peerId)) {
            throw RestError.invalid("query parameter peerId is required: 1-128 printable ASCII characters");
        }
        String lifetime = single(query, "expiresInSec");
        long validUntil = 0;
        if (lifetime != null) {
            long seconds;
            try {
                seconds = Long.parseLong(lifetime);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > TokenMinter.MAX_EXPIRES_IN_SEC) {
                throw RestError.invalid("expiresInSec must be an integer between 1 and "
                        + TokenMinter.MAX_EXPIRES_IN_SEC);
            }
            validUntil = epochSeconds() + seconds;
        }
        IceServerProvider.IceServerList list = node.iceServers().issue(auth.app(), peerId, validUntil);
        ObjectNode out = json.createObjectNode();
        out.set(IceServerProvider.KEY, list.servers());
        if (list.expiresAtEpochSeconds() == null) {
            out.putNull("expiresAt");
        } else {
            out.put("expiresAt", list.expiresAtEpochSeconds());
        }
        return HttpResponses.json(HttpResponseStatus.OK, out);
    }

    private long epochSeconds() {
        return node.clock().instant().getEpochSecond();
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw RestError.invalid("query parameter " + name + " given more than once");
        }
        return values.get(0);
    }

    private CompletionStage<FullHttpResponse> peers(AppAndKey auth, String channel) {
        checkChannel(auth, channel, Action.PRESENCE);
        return node.backplane().presence().members(auth.app().id(), channel).thenApply(members -> {
            ObjectNode out = json.createObjectNode();
            out.put("channel", channel);
            ArrayNode peers = out.putArray("peers");
            members.forEach(e -> {
                ObjectNode p = peers.addObject();
                p.put("peerId", e.peerId());
                if (e.metadata() != null) {
                    p.set("metadata", parse(e.metadata().json()));
                }
            });
            return HttpResponses.json(HttpResponseStatus.OK, out);
        });
    }

    private CompletionStage<FullHttpResponse> publish(AppAndKey auth, String channel, JsonNode body) {
        checkChannel(auth, channel, Action.PUBLISH);
        if (!body.has("data")) {
            throw RestError.invalid("body needs a \"data\" field");
        }
        String from = body.has("from") ? requiredString(body, "from") : "server";
        if (!PeerIds.isValid(from)) {
            throw RestError.invalid("\"from\" must be 1-128 printable ASCII characters");
        }
        RawJson fromMetadata = null;
        JsonNode pm = optionalObject(body, "peerMetadata");
        if (pm != null) {
            String text = write(pm);
            if (text.getBytes(StandardCharsets.UTF_8).length > MAX_PEER_METADATA_BYTES) {
                throw RestError.invalid("\"peerMetadata\" exceeds 4096 bytes");
            }
            fromMetadata = RawJson.of(text);
        }
        Limits limits = auth.app().limits();
        RawJson data = RawJson.of(write(body.get("data")));
        Publication p = new Publication(node.nodeId(), -1, auth.app().id(), channel, from, data, fromMetadata);
        RawJson meta = fromMetadata;
        return node.backplane().usage().countMessage(auth.app().id(), limits.maxMessagesPerPeriod())
                .handle((ok, err) -> err != null || ok) // fail open, as on the WebSocket path
                .thenCompose(ok -> {
                    if (!ok) {
                        throw new RestError(HttpResponseStatus.TOO_MANY_REQUESTS, "over_message_quota",
                                "the app's message quota for this period is used up");
                    }
                    return node.backplane().broker().publish(p);
                })
                .thenApply(delivered -> {
                    ObjectNode out = json.createObjectNode();
                    out.put("channel", channel);
                    out.put("delivered", delivered);
                    return HttpResponses.json(HttpResponseStatus.OK, out);
                });
    }

    private CompletionStage<FullHttpResponse> kick(AppAndKey auth, String peerId) {
        if (!PeerIds.isValid(peerId)) {
            throw RestError.invalid("peerId must be 1-128 printable ASCII characters");
        }
        return node.backplane().control().kick(auth.app().id(), peerId).thenApply(closed -> {
            ObjectNode out = json.createObjectNode();
            out.put("peerId", peerId);
            out.put("closed", closed);
            return HttpResponses.json(HttpResponseStatus.OK, out);
        });
    }

    private CompletionStage<FullHttpResponse> usage(AppAndKey auth) {
        return node.backplane().usage().usage(auth.app().id()).thenApply(u -> usageBody(auth, u));
    }

    private FullHttpResponse usageBody(AppAndKey auth, UsageStore.Usage u) {
        Limits limits = auth.app().limits();
        ObjectNode out = json.createObjectNode();
        out.put("appId", auth.app().id());
        out.put("periodStartUnix", u.periodStartUnix());
        out.put("periodEndUnix", u.periodEndUnix());
        out.put("concurrentNow", u.concurrentNow());
        out.put("peakConcurrent", u.peakConcurrent());
        out.put("messagesUsed", u.messagesUsed());
        out.put("overageMessages", 0);
        out.put("overageConnections", 0);
        ObjectNode plan = out.putObject("plan");
        plan.put("name", "self-hosted");
        plan.put("maxConcurrentConnections", limits.maxConcurrentConnections());
        plan.put("maxMessagesPerPeriod", limits.maxMessagesPerPeriod());
        plan.put("overagesAllowed", false);
        plan.put("overagesEnabled", false);
        return HttpResponses.json(HttpResponseStatus.OK, out);
    }

    /** Channel checks shared by peers and publish: shape, reserved prefix, action, scope. */
    private static void checkChannel(AppAndKey auth, String channel, Action action) {
        if (!ChannelNames.isValid(channel)) {
            throw RestError.invalid("channel must be 1-256 bytes of UTF-8 without control characters");
        }
        if (ChannelNames.isReserved(channel)) {
            throw new RestError(HttpResponseStatus.BAD_REQUEST, "channel_reserved", "channel prefix is reserved");
        }
        if (ChannelNames.isWildcard(channel)) {
            throw RestError.invalid("channel must be a concrete name, not a wildcard pattern");
        }
        if (!auth.key().actions().contains(action)) {
            throw RestError.forbidden("action_not_permitted", "the secret key lacks the " + action.wireName() + " action");
        }
        if (!ChannelScope.of(auth.key().channels()).allows(channel)) {
            throw RestError.forbidden("channel_not_authorized", "channel outside the secret key's channels");
        }
    }

    private JsonNode body(FullHttpRequest req) {
        if (req.content().readableBytes() == 0) {
            throw RestError.invalid("request body must be a JSON object");
        }
        try {
            JsonNode n = json.readTree(req.content().toString(StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) {
                throw RestError.invalid("request body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw RestError.invalid("request body is not valid JSON");
        }
    }

    private static String decodeSegment(String raw) {
        String decoded = PathSegment.decode(raw);
        if (decoded == null) {
            throw RestError.invalid("bad percent-encoding in path (escapes must be UTF-8)");
        }
        return decoded;
    }

    private static String requiredString(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw RestError.invalid("\"" + field + "\" must be a string");
        }
        return n.asText();
    }

    private static List<String> stringList(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw RestError.invalid("\"" + field + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw RestError.invalid("\"" + field + "\" must be an array of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    private static Long optionalLong(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw RestError.invalid("\"" + field + "\" must be an integer");
        }
        return n.asLong();
    }

    private static boolean optionalBoolean(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw RestError.invalid("\"" + field + "\" must be true or false");
        }
        return n.booleanValue();
    }

    private static JsonNode optionalObject(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw RestError.invalid("\"" + field + "\" must be a JSON object");
        }
        return n;
    }

    private String write(JsonNode n) {
        try {
            return json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored metadata is not JSON", e);
        }
    }

    /** The endpoints, matched on path segments after the leading slash. */
    private enum Route {
        TOKENS(HttpMethod.POST), PEERS(HttpMethod.GET), PUBLISH(HttpMethod.POST), KICK(HttpMethod.DELETE),
        USAGE(HttpMethod.GET), ICE_SERVERS(HttpMethod.GET);

        final HttpMethod method;

        Route(HttpMethod method) {
            this.method = method;
        }

        static Route match(String[] seg) {
            if (seg.length == 2 && seg[1].equals("tokens")) {
                return TOKENS;
            }
            if (seg.length == 2 && seg[1].equals("usage")) {
                return USAGE;
            }
            if (seg.length == 2 && seg[1].equals("ice-servers")) {
                return ICE_SERVERS;
            }
            if (seg.length == 3 && seg[1].equals("peers") && !seg[2].isEmpty()) {
                return KICK;
            }
            if (seg.length == 4 && seg[1].equals("channels") && !seg[2].isEmpty()) {
                return switch (seg[3]) {
                    case "peers" -> PEERS;
                    case "publish" -> PUBLISH;
                    default -> null;
                };
            }
            return null;
        }
    }
}

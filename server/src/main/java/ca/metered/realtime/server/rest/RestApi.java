package ca.metered.realtime.server.rest;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelNames;
import ca.metered.realtime.protocol.PeerIds;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.history.HistoryEntry;
import ca.metered.realtime.server.history.HistoryRead;
import ca.metered.realtime.server.pubsub.HistoryService;
import ca.metered.realtime.server.pubsub.Published;
import ca.metered.realtime.server.auth.AppAndKey;
import ca.metered.realtime.server.auth.Authorizer;
import ca.metered.realtime.server.auth.MintedToken;
import ca.metered.realtime.server.auth.SecretKeyAuthenticator;
import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.auth.TokenRequest;
import ca.metered.realtime.server.auth.TokenRequestException;
import ca.metered.realtime.server.cluster.ControlChannel;
import ca.metered.realtime.server.cluster.UsageStore;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.limit.KeyedRateLimiter;
import ca.metered.realtime.server.pubsub.MessageService;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.pubsub.Outcome;
import ca.metered.realtime.server.pubsub.Sender;
import ca.metered.realtime.server.transport.HttpResponses;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ca.metered.realtime.server.metrics.NodeMetrics;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The REST control plane (docs/protocol.md 7): tokens, channel peers, server-side publish, kicks,
 * usage and ICE servers (docs/turn.md). Authenticated with the secret key pair and rate-limited
 * per key; every failure uses the shared error shape. An adapter: publish and presence go through the same core services
 * as the WebSocket commands, and {@link RestError#of} maps their error codes to HTTP statuses.
 *
 * <p>Thread-safe; handlers run on the connection's event loop and never block it.
 */
public final class RestApi {
    /** Per secret key: sustained requests per second and burst before HTTP 429 [ours]. */
    public static final int RATE_PER_SECOND = 100;
    public static final int RATE_BURST = 200;
    private static final int MAX_PEER_METADATA_BYTES = 4096;

    private final SecretKeyAuthenticator secretKeys;
    private final KeyedRateLimiter rateLimiter;
    private final TokenMinter tokenMinter;
    private final IceServerProvider iceServers;
    private final Authorizer authorizer;
    private final Memberships memberships;
    private final MessageService messages;
    private final HistoryService history;
    private final long historyBudgetBytes;
    private final ControlChannel control;
    private final UsageStore usage;
    private final Clock clock;
    private final NodeMetrics metrics;
    private final ObjectMapper json = HttpResponses.mapper();

    /**
     * @param rateLimiter        per secret key id, normally {@link #RATE_PER_SECOND} / {@link #RATE_BURST}
     * @param historyBudgetBytes the most a history answer carries (docs/protocol.md 9)
     */
    public RestApi(SecretKeyAuthenticator secretKeys, KeyedRateLimiter rateLimiter, TokenMinter tokenMinter,
                   IceServerProvider iceServers, Authorizer authorizer, Memberships memberships,
                   MessageService messages, HistoryService history, long historyBudgetBytes, ControlChannel control,
                   UsageStore usage, Clock clock, NodeMetrics metrics) {
        this.secretKeys = secretKeys;
        this.rateLimiter = rateLimiter;
        this.tokenMinter = tokenMinter;
        this.iceServers = iceServers;
        this.authorizer = authorizer;
        this.memberships = memberships;
        this.messages = messages;
        this.history = history;
        this.historyBudgetBytes = historyBudgetBytes;
        this.control = control;
        this.usage = usage;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Handles one request under {@code /v1/}; the returned stage never fails for client errors. */
    public CompletionStage<FullHttpResponse> handle(FullHttpRequest req, String rawPath) {
        long start = System.nanoTime();
        CompletionStage<FullHttpResponse> answer;
        try {
            answer = route(req, rawPath).exceptionally(this::failure);
        } catch (RuntimeException e) {
            answer = CompletableFuture.completedFuture(failure(e));
        }
        String[] seg = rawPath.substring(1).split("/", -1);
        Route route = Route.match(seg);
        return answer.whenComplete((res, err) -> metrics.restRequest(route == null ? "other" : route.template,
                methodLabel(req.method()), res == null ? 500 : res.status().code(), System.nanoTime() - start));
    }

    /** Methods as a metric label: the ones HTTP defines, anything else as {@code OTHER} (bounded). */
    private static String methodLabel(HttpMethod method) {
        return switch (method.name()) {
            case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS" -> method.name();
            default -> "OTHER";
        };
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
        AppAndKey auth = secretKeys.authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION))
                .orElseThrow(() -> {
                    metrics.authFailure("rest_unauthorized");
                    return new RestError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                            "send Authorization: Bearer sk_id_…:sk_secret_…");
                });
        if (!rateLimiter.tryAcquire(auth.key().id())) {
            throw new RestError(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited",
                    "too many requests for this key; retry later");
        }
        return switch (route) {
            case TOKENS -> CompletableFuture.completedFuture(tokens(auth, JsonBody.of(json, req)));
            case PEERS -> peers(auth, decodeSegment(seg[2]));
            case PUBLISH -> publish(auth, decodeSegment(seg[2]), JsonBody.of(json, req));
            case HISTORY -> history(auth, decodeSegment(seg[2]), req);
            case KICK -> kick(auth, decodeSegment(seg[2]));
            case USAGE -> usage(auth);
            case ICE_SERVERS -> CompletableFuture.completedFuture(iceServers(auth, req));
        };
    }

    private FullHttpResponse tokens(AppAndKey auth, JsonBody body) {
        String peerId = body.requiredString("peerId");
        Long expiresInSec = body.optionalLong("expiresInSec");
        JsonNode metadata = body.optionalObject("metadata");
        if (body.optionalBoolean("embedIceServers")) {
            // Credentials outlive the token; out-of-range values are refused by the minter below.
            long lifetime = expiresInSec == null ? TokenMinter.DEFAULT_EXPIRES_IN_SEC
                    : Math.max(0, Math.min(expiresInSec, TokenMinter.MAX_EXPIRES_IN_SEC));
            metadata = embedIceServers(auth, peerId, metadata, lifetime);
        }
        TokenRequest request = new TokenRequest(
                peerId,
                body.stringList("channels"),
                body.stringList("permissions"),
                expiresInSec,
                metadata,
                body.optionalObject("peerMetadata"));
        MintedToken minted = tokenMinter.mint(auth.key(), request, auth.app().limits().maxTokenLifetime());
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
            return iceServers.embed(auth.app(), peerId, metadata, epochSeconds() + lifetime);
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
        IceServerProvider.IceServerList list = iceServers.issue(auth.app(), peerId, validUntil);
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
        return clock.instant().getEpochSecond();
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
        checkChannelName(channel);
        return memberships.members(auth.permissions(), auth.app().id(), channel).thenApply(outcome -> {
            ObjectNode out = json.createObjectNode();
            out.put("channel", channel);
            ArrayNode peers = out.putArray("peers");
            done(outcome, Action.PRESENCE).forEach(e -> {
                ObjectNode p = peers.addObject();
                p.put("peerId", e.peerId());
                if (e.metadata() != null) {
                    p.set("metadata", parse(e.metadata().json()));
                }
            });
            return HttpResponses.json(HttpResponseStatus.OK, out);
        });
    }

    private CompletionStage<FullHttpResponse> publish(AppAndKey auth, String channel, JsonBody body) {
        checkChannelName(channel);
        // The channel is judged before the body's fields, as on every endpoint; the service
        // applies the same rules again.
        authorizer.publish(auth.permissions(), channel).ifPresent(r -> {
            throw RestError.of(r, Action.PUBLISH);
        });
        if (!body.has("data")) {
            throw RestError.invalid("body needs a \"data\" field");
        }
        String from = body.has("from") ? body.requiredString("from") : "server";
        if (!PeerIds.isValid(from)) {
            throw RestError.invalid("\"from\" must be 1-128 printable ASCII characters");
        }
        RawJson fromMetadata = null;
        JsonNode pm = body.optionalObject("peerMetadata");
        if (pm != null) {
            String text = body.text(pm);
            if (text.getBytes(StandardCharsets.UTF_8).length > MAX_PEER_METADATA_BYTES) {
                throw RestError.invalid("\"peerMetadata\" exceeds 4096 bytes");
            }
            fromMetadata = RawJson.of(text);
        }
        String idempotencyKey = body.has("idempotencyKey") ? body.requiredString("idempotencyKey") : null;
        if (idempotencyKey != null && (idempotencyKey.isEmpty()
                || idempotencyKey.length() > FrameCodec.MAX_IDEMPOTENCY_KEY_LENGTH)) {
            throw RestError.invalid("\"idempotencyKey\" must be a non-empty string of at most 128 characters");
        }
        Sender sender = new Sender(auth.app().id(), auth.permissions(), from, fromMetadata, -1);
        return messages.publish(sender, channel, RawJson.of(body.text(body.get("data"))), idempotencyKey)
                .thenApply(outcome -> {
                    Published p = done(outcome, Action.PUBLISH);
                    ObjectNode out = json.createObjectNode();
                    out.put("channel", channel);
                    out.put("delivered", p.receivers());
                    if (p.position() != null) {
                        out.put("epoch", p.position().epoch());
                        out.put("offset", p.position().offset());
                    }
                    return HttpResponses.json(HttpResponseStatus.OK, out);
                });
    }

    /**
     * {@code GET /v1/channels/:channel/history?limit=N&sinceEpoch=E&sinceOffset=N} (docs/protocol.md 9):
     * the channel's messages as {@code message} frames, with its position; needs {@code subscribe}.
     */
    private CompletionStage<FullHttpResponse> history(AppAndKey auth, String channel, FullHttpRequest req) {
        checkChannelName(channel);
        Map<String, List<String>> query = new QueryStringDecoder(req.uri()).parameters();
        Integer limit = null;
        String limitText = single(query, "limit");
        if (limitText != null) {
            limit = parseNonNegative(limitText, "limit", Integer.MAX_VALUE);
        }
        String sinceEpoch = single(query, "sinceEpoch");
        String sinceOffset = single(query, "sinceOffset");
        StreamPosition since = null;
        if (sinceEpoch != null || sinceOffset != null) {
            if (!StreamPosition.isValidEpoch(sinceEpoch) || sinceOffset == null) {
                throw RestError.invalid("sinceEpoch (1-" + StreamPosition.MAX_EPOCH_LENGTH
                        + " characters) and sinceOffset go together");
            }
            since = new StreamPosition(sinceEpoch, parseNonNegative(sinceOffset, "sinceOffset", Long.MAX_VALUE));
        }
        return history.read(auth.permissions(), auth.app().id(), channel, limit, since, historyBudgetBytes)
                .thenApply(outcome -> {
                    HistoryRead.Page page = done(outcome, Action.SUBSCRIBE);
                    ObjectNode out = json.createObjectNode();
                    out.put("channel", channel);
                    out.put("epoch", page.position().epoch());
                    out.put("offset", page.position().offset());
                    ArrayNode messages = out.putArray("messages");
                    for (HistoryEntry e : page.entries()) {
                        messages.add(parse(FrameCodec.encodeToString(
                                e.toMessage(channel, page.position().epoch(), true))));
                    }
                    return HttpResponses.json(HttpResponseStatus.OK, out);
                });
    }

    private static int parseNonNegative(String text, String name, int max) {
        return (int) parseNonNegative(text, name, (long) max);
    }

    private static long parseNonNegative(String text, String name, long max) {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v < 0 || v > max) {
            throw RestError.invalid(name + " must be an integer >= 0");
        }
        return v;
    }

    private CompletionStage<FullHttpResponse> kick(AppAndKey auth, String peerId) {
        if (!PeerIds.isValid(peerId)) {
            throw RestError.invalid("peerId must be 1-128 printable ASCII characters");
        }
        return control.kick(auth.app().id(), peerId).thenApply(closed -> {
            ObjectNode out = json.createObjectNode();
            out.put("peerId", peerId);
            out.put("closed", closed);
            return HttpResponses.json(HttpResponseStatus.OK, out);
        });
    }

    private CompletionStage<FullHttpResponse> usage(AppAndKey auth) {
        return usage.usage(auth.app().id()).thenApply(u -> usageBody(auth, u));
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

    /** The value of a done outcome; a refusal becomes the endpoint's HTTP error. */
    private static <T> T done(Outcome<T> outcome, Action action) {
        if (outcome instanceof Outcome.Refused<T> refused) {
            throw RestError.of(refused.refusal(), action);
        }
        return ((Outcome.Done<T>) outcome).value();
    }

    /** A channel taken from the path: the rules the WebSocket codec applies to a frame's field. */
    private static void checkChannelName(String channel) {
        if (!ChannelNames.isValid(channel)) {
            throw RestError.invalid("channel must be 1-256 bytes of UTF-8 without control characters");
        }
    }

    private static String decodeSegment(String raw) {
        String decoded = PathSegment.decode(raw);
        if (decoded == null) {
            throw RestError.invalid("bad percent-encoding in path (escapes must be UTF-8)");
        }
        return decoded;
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
        TOKENS(HttpMethod.POST, "/v1/tokens"),
        PEERS(HttpMethod.GET, "/v1/channels/{channel}/peers"),
        PUBLISH(HttpMethod.POST, "/v1/channels/{channel}/publish"),
        HISTORY(HttpMethod.GET, "/v1/channels/{channel}/history"),
        KICK(HttpMethod.DELETE, "/v1/peers/{peerId}"),
        USAGE(HttpMethod.GET, "/v1/usage"),
        ICE_SERVERS(HttpMethod.GET, "/v1/ice-servers");

        final HttpMethod method;
        /** The {@code route} label of {@code rms_rest_requests_total}. */
        final String template;

        Route(HttpMethod method, String template) {
            this.method = method;
            this.template = template;
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
                    case "history" -> HISTORY;
                    default -> null;
                };
            }
            return null;
        }
    }
}

package ca.metered.realtime.server.admin;

import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.config.AdminSettings;
import ca.metered.realtime.server.config.ConfigReloader;
import ca.metered.realtime.server.metrics.NodeMetrics;
import ca.metered.realtime.server.transport.HttpResponses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin dashboard at {@code /admin/} (docs/operations.md "Admin dashboard"): the page, its
 * login, and the admin API, behind the credentials of the configuration's {@code admin} section.
 * Without that section every {@code /admin} path answers 404.
 *
 * <ul>
 *   <li>{@code GET /admin/}: the page — 200 with a valid login, else 401 (the page then shows
 *       its login form).
 *   <li>{@code POST /admin/api/login} with {@code {"username","password"}} sets the
 *       {@code rms_admin} cookie (HttpOnly, SameSite=Strict, Secure under TLS); failed logins are
 *       throttled per address ({@link LoginThrottle}) and audited.
 *   <li>Every other {@code /admin/api/} path needs that cookie or HTTP Basic credentials, else 401;
 *       requests other than GET also need the header {@code X-Rms-Admin} (which a cross-site form
 *       cannot send), else 403.
 *   <li>{@code GET /admin/api/events}: Server-Sent Events, a {@code sample} every second and an
 *       {@code activity} event per admin action.
 * </ul>
 *
 * <p>Thread-safe. Owns one timer thread ({@code rms-admin}) for the live samples and reloads.
 */
public final class AdminConsole implements AutoCloseable {
    static final String COOKIE = "rms_admin";
    static final String CSRF_HEADER = "X-Rms-Admin";
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final Supplier<Optional<AdminSettings>> settings;
    private final AdminSessions sessions;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final LiveFeed feed;
    private final AdminApi api;
    private final ScheduledExecutorService timer;
    private final ObjectMapper json = HttpResponses.mapper();
    private final NodeMetrics metrics;
    private final AdminBackend backend;
    private final byte[] page;

    public AdminConsole(AdminBackend backend, NodeMetrics metrics, ConfigReloader reloader, TokenMinter minter,
                        AuditLog audit, Clock clock) {
        this.settings = () -> reloader.current().admin();
        this.metrics = metrics;
        this.backend = backend;
        this.sessions = new AdminSessions(clock);
        this.throttle = new LoginThrottle(clock);
        this.audit = audit;
        this.feed = new LiveFeed(metrics, clock, json);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rms-admin");
            t.setDaemon(true);
            return t;
        });
        this.api = new AdminApi(backend, metrics, reloader, minter, audit, feed, timer, clock.millis());
        this.page = resource("admin/index.html");
        audit.onEntry(feed::activity);
        reloader.addListener((previous, current, change) -> {
            if (change.adminChanged()) {
                sessions.endAll(); // new credentials: every login proves itself again
            }
        });
    }

    /** Starts the live samples (one a second). */
    public AdminConsole start() {
        timer.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
        return this;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** Whether the dashboard is on (an {@code admin} section is configured). */
    public boolean enabled() {
        return settings.get().isPresent();
    }

    /** Whether {@code rawPath} belongs to the admin. */
    public static boolean matches(String rawPath) {
        return rawPath.equals("/admin") || rawPath.startsWith("/admin/");
    }

    /**
     * Answers a request under {@code /admin}. Empty when the request became an event stream: the
     * response has been written and the connection now belongs to the stream.
     *
     * @param client the client's address as the transport resolved it (for throttling and the audit)
     * @param secure whether the connection is TLS (the cookie is then {@code Secure})
     */
    public Optional<CompletionStage<FullHttpResponse>> handle(ChannelHandlerContext ctx, FullHttpRequest req,
                                                               String rawPath, Optional<InetAddress> client,
                                                               boolean secure) {
        Optional<AdminSettings> admin = settings.get();
        if (admin.isEmpty()) {
            return done(HttpResponses.error(HttpResponseStatus.NOT_FOUND, "not_found",
                    "the admin dashboard is off: add an admin section (username, password) to the configuration"));
        }
        AdminSettings cfg = admin.get();
        String remote = client.map(InetAddress::getHostAddress).orElse("unknown");
        if (rawPath.equals("/admin")) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
            res.headers().set(HttpHeaderNames.LOCATION, "/admin/");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return done(res);
        }
        if (rawPath.equals("/admin/") || rawPath.equals("/admin/index.html")) {
            return done(page(req, authenticate(req, cfg, remote).isPresent()));
        }
        if (!rawPath.startsWith("/admin/api/")) {
            return done(HttpResponses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such admin page"));
        }
        String rest = rawPath.substring("/admin/api/".length());
        boolean get = HttpMethod.GET.equals(req.method());
        if (!get && !req.headers().contains(CSRF_HEADER)) {
            return done(HttpResponses.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                    "send the header " + CSRF_HEADER + ": 1 with admin actions"));
        }
        if (rest.equals("login") && HttpMethod.POST.equals(req.method())) {
            return done(login(req, cfg, remote, secure));
        }
        Optional<String> user = authenticate(req, cfg, remote);
        if (user.isEmpty()) {
            return done(unauthorized(req));
        }
        switch (rest) {
            case "session" -> {
                return done(HttpResponses.json(HttpResponseStatus.OK,
                        java.util.Map.of("username", user.get())));
            }
            case "logout" -> {
                if (HttpMethod.POST.equals(req.method())) {
                    sessions.end(cookie(req));
                    audit.record(user.get(), remote, "logout", null, "ok", null);
                    FullHttpResponse res = HttpResponses.json(HttpResponseStatus.OK, java.util.Map.of("ok", true));
                    res.headers().add(HttpHeaderNames.SET_COOKIE, sessionCookie("", 0, secure));
                    return done(res);
                }
            }
            case "events" -> {
                if (get) {
                    String token = cookie(req);
                    BooleanSupplier stillValid = token != null && sessions.peek(token)
                            ? () -> sessions.peek(token)
                            : () -> settings.get().map(s -> basic(req, s).isPresent()).orElse(false);
                    return stream(ctx, stillValid);
                }
            }
            default -> {
                // the API below
            }
        }
        return Optional.of(api.handle(req, rest, user.get(), remote));
    }

    private FullHttpResponse login(FullHttpRequest req, AdminSettings cfg, String remote, boolean secure) {
        if (!throttle.allows(remote)) {
            return HttpResponses.error(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited",
                    "too many failed logins from this address; try again in a few minutes");
        }
        String username = null;
        String password = null;
        try {
            JsonNode body = json.readTree(req.content().toString(StandardCharsets.UTF_8));
            if (body != null && body.path("username").isTextual() && body.path("password").isTextual()) {
                username = body.get("username").textValue();
                password = body.get("password").textValue();
            }
        } catch (IOException e) {
            // answered below
        }
        if (username == null) {
            return HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid_request",
                    "send {\"username\": …, \"password\": …}");
        }
        if (!matches(cfg, username, password)) {
            throttle.failed(remote);
            metrics.authFailure("admin_login");
            audit.record(printable(username), remote, "login", null, "failed", "wrong username or password");
            return HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "wrong username or password");
        }
        throttle.succeeded(remote);
        String token = sessions.create(cfg.username(), cfg.sessionTimeout());
        audit.record(cfg.username(), remote, "login", null, "ok", null);
        FullHttpResponse res = HttpResponses.json(HttpResponseStatus.OK, java.util.Map.of("username", cfg.username()));
        res.headers().add(HttpHeaderNames.SET_COOKIE, sessionCookie(token, cfg.sessionTimeout().toSeconds(), secure));
        return res;
    }

    /** The admin's name, from the session cookie or HTTP Basic credentials. */
    private Optional<String> authenticate(FullHttpRequest req, AdminSettings cfg, String remote) {
        Optional<String> fromCookie = sessions.touch(cookie(req), cfg.sessionTimeout());
        if (fromCookie.isPresent()) {
            return fromCookie;
        }
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        if (!throttle.allows(remote)) {
            return Optional.empty();
        }
        Optional<String> user = basic(req, cfg);
        if (user.isEmpty()) {
            throttle.failed(remote);
        }
        return user;
    }

    private static Optional<String> basic(FullHttpRequest req, AdminSettings cfg) {
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        return matches(cfg, decoded.substring(0, colon), decoded.substring(colon + 1))
                ? Optional.of(cfg.username()) : Optional.empty();
    }

    private static boolean matches(AdminSettings cfg, String username, String password) {
        // Both compared in constant time, and both always compared, so timing tells neither.
        boolean user = MessageDigest.isEqual(username.getBytes(StandardCharsets.UTF_8),
                cfg.username().getBytes(StandardCharsets.UTF_8));
        boolean pass = MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                cfg.password().getBytes(StandardCharsets.UTF_8));
        return user & pass;
    }

    private static String cookie(FullHttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
            if (c.name().equals(COOKIE)) {
                return c.value();
            }
        }
        return null;
    }

    private static String sessionCookie(String value, long maxAgeSeconds, boolean secure) {
        DefaultCookie c = new DefaultCookie(COOKIE, value);
        c.setPath("/admin/");
        c.setHttpOnly(true);
        c.setSecure(secure);
        c.setSameSite(CookieHeaderNames.SameSite.Strict);
        c.setMaxAge(maxAgeSeconds);
        return ServerCookieEncoder.STRICT.encode(c);
    }

    /**
     * 401. Requests from the dashboard itself (they send {@code X-Rms-Admin}) get no Basic
     * challenge, so the browser shows the page's login instead of its own password prompt.
     */
    private static FullHttpResponse unauthorized(FullHttpRequest req) {
        FullHttpResponse res = HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                "log in at /admin/ or send HTTP Basic credentials of the admin section");
        if (!req.headers().contains(CSRF_HEADER) && !req.uri().startsWith("/admin/api/events")) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"rms admin\", charset=\"UTF-8\"");
        }
        return res;
    }

    private FullHttpResponse page(FullHttpRequest req, boolean signedIn) {
        boolean head = HttpMethod.HEAD.equals(req.method());
        if (!head && !HttpMethod.GET.equals(req.method())) {
            return HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "invalid_request",
                    "only GET and HEAD are allowed here");
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                signedIn ? HttpResponseStatus.OK : HttpResponseStatus.UNAUTHORIZED,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(page));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, page.length);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        securityHeaders(res);
        return res;
    }

    private static void securityHeaders(HttpResponse res) {
        res.headers().set("Content-Security-Policy", CSP);
        res.headers().set("X-Content-Type-Options", "nosniff");
        res.headers().set("X-Frame-Options", "DENY");
        res.headers().set("Referrer-Policy", "no-referrer");
    }

    /** Turns the connection into an event stream of the live feed. */
    private Optional<CompletionStage<FullHttpResponse>> stream(ChannelHandlerContext ctx, BooleanSupplier stillValid) {
        Channel ch = ctx.channel();
        EventStream stream = new EventStream(ch, stillValid);
        if (!feed.open(stream)) {
            return done(HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "internal_error",
                    "too many open dashboards; retry later"));
        }
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        res.headers().set("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        HttpUtil.setTransferEncodingChunked(res, true);
        ch.write(res);
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("retry: 3000\n\n", StandardCharsets.UTF_8)));
        ch.closeFuture().addListener(f -> feed.close(stream));
        return Optional.empty();
    }

    /** The content type that makes the transport treat a response as a long-lived stream. */
    public static final String EVENT_STREAM = "text/event-stream; charset=utf-8";

    /** One browser's event stream: frames are written from the timer thread; Netty moves them to the loop. */
    private static final class EventStream implements LiveFeed.Stream {
        private final Channel channel;
        private final BooleanSupplier stillValid;

        EventStream(Channel channel, BooleanSupplier stillValid) {
            this.channel = channel;
            this.stillValid = stillValid;
        }

        @Override
        public boolean send(String event, String data) {
            if (!channel.isActive()) {
                return false;
            }
            if (!stillValid.getAsBoolean()) {
                // Logged out, expired, or the credentials changed: end the stream.
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                return false;
            }
            if (!channel.isWritable()) {
                return true; // a slow dashboard skips samples instead of queueing them
            }
            String frame = "event: " + event + "\ndata: " + data + "\n\n";
            channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8)));
            return true;
        }
    }

    private void tick() {
        try {
            LiveFeed.Sample s = feed.tick();
            backend.report(s.connections(), s.receivedPerSecond(), s.deliveredPerSecond(), s.heapUsedBytes(),
                    s.heapMaxBytes());
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AdminConsole.class).warn("admin live sample failed", e);
        }
    }

    private static String printable(String s) {
        String cleaned = s.replaceAll("[^\\x21-\\x7e]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "…" : cleaned;
    }

    private static Optional<CompletionStage<FullHttpResponse>> done(FullHttpResponse res) {
        securityHeaders(res);
        return Optional.of(CompletableFuture.completedFuture(res));
    }

    private static byte[] resource(String name) {
        try (InputStream in = AdminConsole.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return ("<!doctype html><title>rms admin</title><p>The admin dashboard was not built into this jar "
                        + "(server/admin-web).").getBytes(StandardCharsets.UTF_8);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

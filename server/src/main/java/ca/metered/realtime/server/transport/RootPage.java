package ca.metered.realtime.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /}: tells whoever lands on the bare server URL where things are. Browsers (an
 * {@code Accept} that names {@code text/html}) get a small HTML page linking the demo page and
 * health probes; everything else (curl, API clients) gets the same as JSON:
 * {@code {"name":"rms","version":…,"websocket":"/v1","rest":"/v1/","demo":"/demo/","admin":"/admin/","health":"/healthz","ready":"/readyz","metrics":"/metrics"}}.
 * Other methods get the usual JSON 405. Documented in docs/operations.md.
 *
 * <p>Immutable; thread-safe; shared by every connection.
 */
final class RootPage {
    private final byte[] html;
    private final Map<String, String> json;

    /** @param version the server's version, shown on the page and in the JSON */
    RootPage(String version) {
        this.html = template().replace("{{version}}", escape(version)).getBytes(StandardCharsets.UTF_8);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("name", "rms");
        body.put("version", version);
        body.put("websocket", "/v1");
        body.put("rest", "/v1/");
        body.put("demo", "/demo/");
        body.put("admin", "/admin/");
        body.put("health", "/healthz");
        body.put("ready", "/readyz");
        body.put("metrics", "/metrics");
        this.json = Collections.unmodifiableMap(body);
    }

    /** The server version from the jar manifest (set by the build), or {@code dev} when run from classes. */
    static String buildVersion() {
        String v = RootPage.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    FullHttpResponse respond(FullHttpRequest req) {
        HttpMethod method = req.method();
        boolean head = HttpMethod.HEAD.equals(method);
        if (!head && !HttpMethod.GET.equals(method)) {
            return HttpResponses.getOrHeadOnly();
        }
        String accept = req.headers().get(HttpHeaderNames.ACCEPT, "");
        FullHttpResponse res;
        if (accept.contains("text/html")) {
            res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(html));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, html.length);
            res.headers().set("X-Content-Type-Options", "nosniff");
        } else {
            res = HttpResponses.json(HttpResponseStatus.OK, json);
            if (head) {
                res = res.replace(Unpooled.EMPTY_BUFFER);
            }
        }
        res.headers().set(HttpHeaderNames.VARY, "Accept");
        return res;
    }

    private static String template() {
        try (InputStream in = RootPage.class.getResourceAsStream("/rms/root.html")) {
            if (in == null) {
                throw new IllegalStateException("rms/root.html is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

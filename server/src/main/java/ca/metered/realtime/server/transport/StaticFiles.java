package ca.metered.realtime.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the files of one classpath folder under one URL prefix: the demo page at {@code /demo/}.
 *
 * <p>Only paths made of plain name segments ({@code [A-Za-z0-9_-][A-Za-z0-9._-]*}, so no
 * {@code ..}, no hidden files, no encoded slashes) whose extension has a known content type are
 * looked up; anything else is a 404. That whitelist is what rules out directory traversal and
 * directory listings (a classpath directory has no extension). A path ending in {@code /}
 * means its {@code index.html}; the bare prefix redirects to the prefix with a slash, so the
 * page's relative URLs resolve.
 *
 * <p>Found files are cached in memory (they are a few small resources); misses are not, so
 * random names cannot grow the cache. Thread-safe; shared by every connection.
 */
final class StaticFiles {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "woff2", "font/woff2",
            "txt", "text/plain; charset=utf-8");

    private final String urlPrefix;
    private final String resourceRoot;
    private final ClassLoader loader;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /**
     * @param urlPrefix the URL path served, without a trailing slash (e.g. {@code /demo})
     * @param resourceRoot the classpath folder holding the files (e.g. {@code demo})
     */
    StaticFiles(String urlPrefix, String resourceRoot, ClassLoader loader) {
        this.urlPrefix = urlPrefix;
        this.resourceRoot = resourceRoot;
        this.loader = loader;
    }

    /** Whether {@code rawPath} (the request path, not decoded) is this instance's to answer. */
    boolean matches(String rawPath) {
        return rawPath.equals(urlPrefix) || rawPath.startsWith(urlPrefix + "/");
    }

    /** The response for a request whose path {@link #matches}. */
    FullHttpResponse respond(HttpMethod method, String rawPath) {
        boolean head = HttpMethod.HEAD.equals(method);
        if (!head && !HttpMethod.GET.equals(method)) {
            return HttpResponses.getOrHeadOnly();
        }
        if (rawPath.equals(urlPrefix)) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
            res.headers().set(HttpHeaderNames.LOCATION, urlPrefix + "/");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return res;
        }
        String relative = rawPath.substring(urlPrefix.length() + 1);
        if (relative.isEmpty() || relative.endsWith("/")) {
            relative += "index.html";
        }
        Optional<String> type = contentType(relative);
        Optional<byte[]> body = type.isPresent() && safe(relative) ? load(relative) : Optional.empty();
        if (body.isEmpty()) {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such file");
        }
        byte[] bytes = body.get();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type.get());
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        // The page and the SDK bundle change with every build; let browsers revalidate.
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        res.headers().set("X-Content-Type-Options", "nosniff");
        return res;
    }

    private static boolean safe(String relative) {
        // Checked on the raw path: "%2e%2e" or "%2f" fail the pattern instead of being decoded
        // into something that might pass it.
        for (String segment : relative.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> contentType(String relative) {
        int slash = relative.lastIndexOf('/');
        int dot = relative.lastIndexOf('.');
        if (dot <= slash + 1) {
            return Optional.empty();
        }
        return Optional.ofNullable(CONTENT_TYPES.get(relative.substring(dot + 1)));
    }

    private Optional<byte[]> load(String relative) {
        byte[] cached = cache.get(relative);
        if (cached != null) {
            return Optional.of(cached);
        }
        URL url = loader.getResource(resourceRoot + "/" + relative);
        if (url == null) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readAllBytes();
            cache.put(relative, bytes);
            return Optional.of(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        }
    }
}

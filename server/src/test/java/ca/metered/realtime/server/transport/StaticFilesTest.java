package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link StaticFiles} over the test resources in {@code static-fixture/}; no sockets. */
class StaticFilesTest {
    private final StaticFiles files = new StaticFiles("/demo", "static-fixture", StaticFilesTest.class.getClassLoader());

    @Test
    void slashServesIndexHtmlAsHtml() {
        FullHttpResponse res = files.respond(HttpMethod.GET, "/demo/");
        assertThat(res.status().code()).isEqualTo(200);
        assertThat(res.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
        assertThat(body(res)).contains("<title>fixture</title>");
        assertThat(res.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(res.content().readableBytes());
        assertThat(res.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void filesInSubfoldersGetTheirContentType() {
        FullHttpResponse js = files.respond(HttpMethod.GET, "/demo/sub/app.mjs");
        assertThat(js.status().code()).isEqualTo(200);
        assertThat(js.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/javascript; charset=utf-8");
        assertThat(body(js)).isEqualTo("export const x = 1;\n");
        FullHttpResponse css = files.respond(HttpMethod.GET, "/demo/site.css");
        assertThat(css.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/css; charset=utf-8");
    }

    @Test
    void barePrefixRedirectsToTheFolderSoRelativeUrlsResolve() {
        FullHttpResponse res = files.respond(HttpMethod.GET, "/demo");
        assertThat(res.status().code()).isEqualTo(301);
        assertThat(res.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/demo/");
    }

    @Test
    void headHasTheLengthButNoBody() {
        FullHttpResponse get = files.respond(HttpMethod.GET, "/demo/index.html");
        FullHttpResponse head = files.respond(HttpMethod.HEAD, "/demo/index.html");
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.content().readableBytes()).isZero();
        assertThat(head.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(get.content().readableBytes());
    }

    @Test
    void otherMethodsAre405WithAllow() {
        FullHttpResponse res = files.respond(HttpMethod.POST, "/demo/index.html");
        assertThat(res.status().code()).isEqualTo(405);
        assertThat(res.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD");
        assertThat(body(res)).contains("\"error\":\"invalid_request\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/demo/missing.html",                 // no such file
        "/demo/sub",                          // a folder: no extension, never listed
        "/demo/sub/",                         // folder without an index.html
        "/demo/notes.unknownext",             // unknown content type
        "/demo/.hidden.txt",                  // hidden file
        "/demo/../static-outside.txt",        // traversal
        "/demo/sub/../../static-outside.txt",
        "/demo/%2e%2e/static-outside.txt",    // encoded traversal
        "/demo/..%2fstatic-outside.txt",
        "/demo/sub%2fapp.mjs",                // encoded slash
        "/demo//index.html",                  // empty segment
        "/demo/sub\\app.mjs",                 // backslash
    })
    void anythingElseIsA404WithTheJsonErrorShape(String path) {
        FullHttpResponse res = files.respond(HttpMethod.GET, path);
        assertThat(res.status().code()).as(path).isEqualTo(404);
        assertThat(res.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(body(res)).isEqualTo("{\"error\":\"not_found\",\"message\":\"no such file\"}");
    }

    @Test
    void matchesOnlyThePrefixAndBelow() {
        assertThat(files.matches("/demo")).isTrue();
        assertThat(files.matches("/demo/")).isTrue();
        assertThat(files.matches("/demo/a.js")).isTrue();
        assertThat(files.matches("/demonstration")).isFalse();
        assertThat(files.matches("/v1/demo")).isFalse();
    }

    private static String body(FullHttpResponse res) {
        return res.content().toString(StandardCharsets.UTF_8);
    }
}

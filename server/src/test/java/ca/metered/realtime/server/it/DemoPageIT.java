package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo page over real HTTP: its files and the official SDK bundle the build copied from npm
 * are in the server's classpath resources, next to the REST API on the same port.
 */
class DemoPageIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void servesThePageItsScriptAndTheSdkBundle() {
        HttpResponse<String> page = server.rest("GET", "/demo/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script type=\"module\" src=\"demo.js\"></script>");

        HttpResponse<String> script = server.rest("GET", "/demo/demo.js", null, null);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("./vendor/metered-realtime/index.mjs");

        HttpResponse<String> sdk = server.rest("GET", "/demo/vendor/metered-realtime/index.mjs", null, null);
        assertThat(sdk.statusCode()).as("the SDK copied from server/web/node_modules by the build").isEqualTo(200);
        assertThat(sdk.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(sdk.body()).contains("MeteredPeer");
    }

    @Test
    void missingFilesAndTraversalAreJson404s() {
        for (String path : new String[] {"/demo/nope.js", "/demo/../healthz", "/demo/%2e%2e/logback.xml"}) {
            HttpResponse<String> res = server.rest("GET", path, null, null);
            assertThat(res.statusCode()).as(path).isEqualTo(404);
            assertThat(res.body()).as(path).contains("\"error\":\"not_found\"");
        }
    }

    @Test
    void theRestOfTheRoutesAreUnchanged() {
        assertThat(server.rest("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        assertThat(server.rest("GET", "/demonstration", null, null).statusCode()).isEqualTo(404);
    }
}

package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /} points at the demo page and the probes: HTML for browsers, JSON for everything else. */
class RootPageIT {
    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static TestServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> send(String method, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.httpUri("/")).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiClientsGetJsonNamingTheEndpoints() throws Exception {
        for (String accept : new String[] {null, "*/*", "application/json"}) {
            HttpResponse<String> res = send("GET", accept);
            assertThat(res.statusCode()).as(accept).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(res.headers().firstValue("Vary")).hasValue("Accept");
            JsonNode body = new ObjectMapper().readTree(res.body());
            assertThat(body.path("name").asText()).isEqualTo("rms");
            assertThat(body.path("version").asText()).isNotBlank();
            assertThat(body.path("websocket").asText()).isEqualTo("/v1");
            assertThat(body.path("demo").asText()).isEqualTo("/demo/");
            assertThat(body.path("admin").asText()).isEqualTo("/admin/");
            assertThat(body.path("metrics").asText()).isEqualTo("/metrics");
            assertThat(body.path("health").asText()).isEqualTo("/healthz");
        }
    }

    @Test
    void browsersGetAPageLinkingTheDemoAndTheLinksWork() throws Exception {
        HttpResponse<String> res = send("GET", BROWSER_ACCEPT);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(res.body()).contains("<a href=\"/demo/\">").contains("href=\"/healthz\"")
                .doesNotContain("{{version}}");
        assertThat(server.rest("GET", "/demo/", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void headAnswersWithoutABody() throws Exception {
        HttpResponse<String> json = send("HEAD", null);
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body()).isEmpty();
        HttpResponse<String> html = send("HEAD", BROWSER_ACCEPT);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).isEmpty();
    }

    @Test
    void otherMethodsAreAJson405() throws Exception {
        HttpResponse<String> res = send("POST", null);
        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(res.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(res.body()).contains("\"error\":\"invalid_request\"");
    }
}

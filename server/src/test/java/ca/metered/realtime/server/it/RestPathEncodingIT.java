package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A channel in a REST path is percent-decoded strictly as UTF-8: an escape sequence that is not
 * UTF-8 (overlong, surrogate, truncated) is 400 {@code invalid_request}, never U+FFFD, so two
 * different raw names can never address one channel.
 */
class RestPathEncodingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void invalid(String method, String path, String body) throws Exception {
        HttpResponse<String> res = server.rest(method, path, TestServer.BEARER, body);
        assertThat(res.statusCode()).as("%s %s", method, path).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).path("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void invalidUtf8EscapesInAChannelAre400() throws Exception {
        for (String bad : new String[] {"%C0%AF", "%ED%A0%80", "%E2%82", "room-%E2%82", "%FF", "%80", "%F8%88%80%80%80",
                "%C3%28"}) {
            invalid("GET", "/v1/channels/" + bad + "/peers", null);
            invalid("POST", "/v1/channels/" + bad + "/publish", "{\"data\":1}");
        }
    }

    @Test
    void validEscapesStillWork() throws Exception {
        HttpResponse<String> res = server.rest("GET", "/v1/channels/price-%E2%82%AC/peers", TestServer.BEARER, null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("channel").asText()).isEqualTo("price-\u20ac");
        res = server.rest("POST", "/v1/channels/a%2Fb+c/publish", TestServer.BEARER, "{\"data\":1}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("channel").asText()).isEqualTo("a/b+c");
    }
}

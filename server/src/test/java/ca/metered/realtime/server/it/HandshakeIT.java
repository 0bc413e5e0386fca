package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Only RFC 6455 (version 13) upgrades are accepted: a malformed upgrade gets HTTP 400, another
 * WebSocket version (hixie-76, hybi-07/08) gets 426 with {@code Sec-WebSocket-Version: 13}, both
 * with the server's JSON error body, and the connection is closed after the error.
 */
class HandshakeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String upgrade(String version, String extraHeaders) {
        return "GET /v1?key=" + TestServer.PK + " " + version + "\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + extraHeaders
                + "\r\n";
    }

    /** Sends {@code request}, expects {@code status} with the JSON error shape, then EOF. */
    private static RawHttp.Response refused(String request, int status) throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            RawHttp.Response res = http.exchange(request);
            assertThat(res.status()).as(res.statusLine()).isEqualTo(status);
            assertThat(res.header("content-type")).isEqualTo("application/json");
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.path("error").asText()).isEqualTo("invalid_request");
            assertThat(body.path("message").asText()).isNotBlank();
            assertThat(http.awaitEof(Duration.ofSeconds(5))).as("connection closed after the error").isTrue();
            return res;
        }
    }

    @Test
    void version13UpgradeWithAValidKeyIsAccepted() {
        try (RawHttp http = RawHttp.connect(server.port())) {
            RawHttp.Response res = http.exchange(upgrade("HTTP/1.1",
                    "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"));
            assertThat(res.status()).isEqualTo(101);
            assertThat(res.header("sec-websocket-accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }
    }

    @Test
    void missingSecWebSocketKeyIs400() throws Exception {
        refused(upgrade("HTTP/1.1", "Sec-WebSocket-Version: 13\r\n"), 400);
    }

    @Test
    void aKeyThatIsNotSixteenBase64BytesIs400() throws Exception {
        refused(upgrade("HTTP/1.1", "Sec-WebSocket-Key: abc\r\nSec-WebSocket-Version: 13\r\n"), 400);
        refused(upgrade("HTTP/1.1", "Sec-WebSocket-Key: not base64 at all!!!!!\r\nSec-WebSocket-Version: 13\r\n"), 400);
        // 15 bytes, valid base64
        refused(upgrade("HTTP/1.1", "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA\r\nSec-WebSocket-Version: 13\r\n"), 400);
    }

    @Test
    void twoKeysAre400() throws Exception {
        refused(upgrade("HTTP/1.1", "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Key: " + KEY
                + "\r\nSec-WebSocket-Version: 13\r\n"), 400);
    }

    @Test
    void anUpgradeOverHttp10Is400() throws Exception {
        refused(upgrade("HTTP/1.0", "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"), 400);
    }

    @Test
    void anUpgradeWithoutHostIs400() throws Exception {
        refused("GET /v1?key=" + TestServer.PK + " HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n", 400);
    }

    @Test
    void hixie76HandshakeIs426WithVersion13() throws Exception {
        // draft-hixie-thewebsocketprotocol-76: two keys, no version, 8 key bytes as the body
        RawHttp.Response res = refused(upgrade("HTTP/1.1",
                "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n"
                + "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n"
                + "Origin: http://example.com\r\n") + "^n:ds[4U", 426);
        assertThat(res.header("sec-websocket-version")).isEqualTo("13");
    }

    @Test
    void hybi07And08And12HandshakesAre426WithVersion13() throws Exception {
        for (String version : new String[] {"7", "8", "12", "14", "13, 8"}) {
            RawHttp.Response res = refused(upgrade("HTTP/1.1",
                    "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: " + version + "\r\n"), 426);
            assertThat(res.header("sec-websocket-version")).as("version %s", version).isEqualTo("13");
        }
    }
}

package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpgradeRequestCheckTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static FullHttpRequest upgrade(HttpVersion version, String... headers) {
        FullHttpRequest req = new DefaultFullHttpRequest(version, HttpMethod.GET, "/v1?key=pk");
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().add(headers[i], headers[i + 1]);
        }
        return req;
    }

    private static int status(FullHttpRequest req) {
        FullHttpResponse res = UpgradeRequestCheck.refusal(req);
        try {
            return res == null ? 0 : res.status().code();
        } finally {
            req.release();
            if (res != null) {
                assertThat(res.content().toString(StandardCharsets.UTF_8)).contains("\"error\":\"invalid_request\"");
                res.release();
            }
        }
    }

    @Test
    void aVersion13UpgradePasses() {
        assertThat(status(upgrade(HttpVersion.HTTP_1_1, "Host", "h", "Sec-WebSocket-Key", KEY,
                "Sec-WebSocket-Version", "13"))).isZero();
    }

    @Test
    void malformedUpgradesAre400() {
        assertThat(status(upgrade(HttpVersion.HTTP_1_0, "Host", "h", "Sec-WebSocket-Key", KEY,
                "Sec-WebSocket-Version", "13"))).isEqualTo(400);
        assertThat(status(upgrade(HttpVersion.HTTP_1_1, "Sec-WebSocket-Key", KEY,
                "Sec-WebSocket-Version", "13"))).isEqualTo(400);
        assertThat(status(upgrade(HttpVersion.HTTP_1_1, "Host", "h", "Host", "i", "Sec-WebSocket-Key", KEY,
                "Sec-WebSocket-Version", "13"))).isEqualTo(400);
        assertThat(status(upgrade(HttpVersion.HTTP_1_1, "Host", "h", "Sec-WebSocket-Version", "13"))).isEqualTo(400);
        for (String key : new String[] {"", "abc", "AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "!!!!!!!!!!!!!!!!!!!!!!==",
                "AAAAAAAAAAAAAAAAAAAAAA=="}) {
            int expected = "AAAAAAAAAAAAAAAAAAAAAA==".equals(key) ? 0 : 400;
            assertThat(status(upgrade(HttpVersion.HTTP_1_1, "Host", "h", "Sec-WebSocket-Key", key,
                    "Sec-WebSocket-Version", "13"))).as("key '%s'", key).isEqualTo(expected);
        }
        assertThat(status(upgrade(HttpVersion.HTTP_1_1, "Host", "h", "Sec-WebSocket-Key", KEY, "Sec-WebSocket-Key", KEY,
                "Sec-WebSocket-Version", "13"))).isEqualTo(400);
    }

    @Test
    void otherVersionsAre426WithVersion13() {
        for (String version : new String[] {"7", "8", "0", "12", "14", "13, 8", ""}) {
            FullHttpRequest req = upgrade(HttpVersion.HTTP_1_1, "Host", "h", "Sec-WebSocket-Key", KEY,
                    "Sec-WebSocket-Version", version);
            FullHttpResponse res = UpgradeRequestCheck.refusal(req);
            assertThat(res.status().code()).as("version '%s'", version).isEqualTo(426);
            assertThat(res.headers().get("Sec-WebSocket-Version")).isEqualTo("13");
            res.release();
            req.release();
        }
        // hixie-76 sends no version at all
        assertThat(status(upgrade(HttpVersion.HTTP_1_1, "Host", "h", "Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5",
                "Sec-WebSocket-Key2", "12998 5 Y3 1  .P00"))).isEqualTo(426);
    }
}

package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code allowedOrigins} on publishable keys (docs/protocol.md 1). */
class OriginIT {
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

    @Test
    void allowedOriginIsWelcomed() {
        try (WsClient c = WsClient.connect(server.keyUri("pk_live_origin"), Map.of("Origin", "https://app.example.com"))) {
            c.expect("welcome");
        }
    }

    @Test
    void otherOriginIsRefusedWithHttp401BeforeTheUpgrade() throws Exception {
        WsClient.Refused r = WsClient.refused(server.keyUri("pk_live_origin"), Map.of("Origin", "https://evil.example.com"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("origin_not_allowed");
    }

    @Test
    void originDifferingOnlyInPortIsRefused() {
        assertThat(WsClient.refused(server.keyUri("pk_live_origin"), Map.of("Origin", "https://app.example.com:8443"))
                .status()).isEqualTo(401);
    }

    @Test
    void clientSendingNoOriginIsWelcomed() {
        try (WsClient c = WsClient.connect(server.keyUri("pk_live_origin"))) {
            c.expect("welcome");
        }
    }

    @Test
    void keyWithoutAllowedOriginsAcceptsAnyOrigin() {
        try (WsClient c = WsClient.connect(server.keyUri(TestServer.PK), Map.of("Origin", "https://evil.example.com"))) {
            c.expect("welcome");
        }
    }
}

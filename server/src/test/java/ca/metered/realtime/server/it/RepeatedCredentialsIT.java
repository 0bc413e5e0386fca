package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A credential parameter given twice ({@code ?token=A&token=B}, {@code ?key=X&key=Y}) is
 * ambiguous: the upgrade completes and the server closes with 4001 before any {@code welcome},
 * like every other auth failure (docs/protocol.md 1).
 */
class RepeatedCredentialsIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void closedWith4001(String query) {
        try (RawWs raw = RawWs.open(server.port(), "/v1?" + query)) {
            RawWs.Frame first = raw.readFrame();
            assertThat(first.opcode()).as("first frame for %s: %s", query, first.text()).isEqualTo(RawWs.CLOSE);
            assertThat(first.closeCode()).as(query).isEqualTo(4001);
            assertThat(raw.awaitEof()).isTrue();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void aRepeatedKeyIsRefused() {
        closedWith4001("key=" + TestServer.PK + "&key=pk_live_other");
        closedWith4001("key=" + TestServer.PK + "&key=" + TestServer.PK);
        closedWith4001("key=" + TestServer.PK + "&key=");
        closedWith4001("key=&key=" + TestServer.PK);
    }

    @Test
    void aRepeatedTokenIsRefused() {
        String a = enc(Jwts.demo(Jwts.claims("alice", 600, "")));
        String b = enc(Jwts.demo(Jwts.claims("mallory", 600, "")));
        closedWith4001("token=" + a + "&token=" + b);
        closedWith4001("token=" + a + "&token=" + a);
    }

    @Test
    void aSingleCredentialAmongOtherParametersIsWelcomed() {
        try (RawWs raw = RawWs.open(server.port(), "/v1?x=1&key=" + TestServer.PK + "&y=2&y=3")) {
            assertThat(raw.readText()).contains("\"welcome\"");
        }
    }
}

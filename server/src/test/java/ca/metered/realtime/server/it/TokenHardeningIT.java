package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens that claim more than the server grants are refused with 4001 rather than clamped: an
 * {@code exp} beyond the app's {@code maxTokenLifetime} (default 24 h) from now or from
 * {@code iat}, and any base64url segment with non-canonical trailing bits.
 */
class TokenHardeningIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The first frame for {@code token}: 4001 close code, or 0 for a welcome. */
    private static int outcome(String token) {
        try (RawWs raw = RawWs.open(server.port(), "/v1?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))) {
            RawWs.Frame f = raw.readFrame();
            if (f.opcode() == RawWs.TEXT && f.text().contains("\"welcome\"")) {
                return 0;
            }
            assertThat(f.opcode()).as("first frame: %s", f.text()).isEqualTo(RawWs.CLOSE);
            return f.closeCode();
        }
    }

    @Test
    void anAbsurdExpIsRefused() {
        assertThat(outcome(Jwts.demo("{\"sub\":\"alice\",\"exp\":1e300}"))).isEqualTo(4001);
        assertThat(outcome(Jwts.demo("{\"sub\":\"alice\",\"exp\":9223372036854775807}"))).isEqualTo(4001);
        assertThat(outcome(Jwts.demo("{\"sub\":\"alice\",\"exp\":99999999999999999999999}"))).isEqualTo(4001);
    }

    @Test
    void anExpBeyondTheMaximumLifetimeIsRefused() {
        assertThat(outcome(Jwts.demo(Jwts.claims("alice", 25 * 3600, "")))).isEqualTo(4001);
        long now = Jwts.nowSeconds();
        // within 24 h of now but 30 h after its own iat
        assertThat(outcome(Jwts.demo("{\"sub\":\"alice\",\"iat\":" + (now - 6 * 3600) + ",\"exp\":" + (now + 24 * 3600)
                + "}"))).isEqualTo(4001);
    }

    @Test
    void anExpWithinTheMaximumLifetimeIsWelcomed() {
        assertThat(outcome(Jwts.demo(Jwts.claims("alice", 24 * 3600 - 60, "")))).isZero();
        long now = Jwts.nowSeconds();
        assertThat(outcome(Jwts.demo("{\"sub\":\"alice\",\"iat\":" + now + ",\"exp\":" + (now + 24 * 3600) + "}")))
                .isZero();
    }

    @Test
    void aSignatureWithNonCanonicalTrailingBitsIsRefused() {
        String token = Jwts.demo(Jwts.claims("alice", 600, ""));
        assertThat(outcome(token)).isZero();
        // 32 bytes → 43 base64url chars; the last char carries 4 data bits and 2 padding bits
        assertThat(outcome(withNonCanonicalTail(token))).isEqualTo(4001);
    }

    @Test
    void headerAndPayloadWithNonCanonicalTrailingBitsAreRefused() {
        String token = Jwts.demo(Jwts.claims("alice", 600, ""));
        String[] parts = token.split("\\.");
        for (int i = 0; i < 2; i++) {
            if (parts[i].length() % 4 == 0) {
                continue; // no spare bits in this segment
            }
            String[] copy = parts.clone();
            copy[i] = nonCanonical(parts[i]);
            // re-sign so only the encoding is wrong, not the MAC over the received text
            String resigned = Jwts.signRaw(copy[0] + "." + copy[1], Jwts.DEMO_SECRET);
            assertThat(outcome(resigned)).as("segment %d", i).isEqualTo(4001);
        }
    }

    @Test
    void paddedOrNonUrlAlphabetSegmentsAreRefused() {
        String token = Jwts.demo(Jwts.claims("alice", 600, ""));
        String[] parts = token.split("\\.");
        assertThat(outcome(parts[0] + "." + parts[1] + "." + parts[2] + "=")).isEqualTo(4001);
        assertThat(outcome(token + " ")).isEqualTo(4001);
    }

    /** The same token with the spare low bits of the signature's last character set. */
    private static String withNonCanonicalTail(String token) {
        int dot = token.lastIndexOf('.');
        return token.substring(0, dot + 1) + nonCanonical(token.substring(dot + 1));
    }

    /** Sets the unused low bits of the last base64url character (the decoded bytes stay equal). */
    static String nonCanonical(String segment) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int spareBits = switch (segment.length() % 4) {
            case 2 -> 4;
            case 3 -> 2;
            default -> throw new IllegalArgumentException("no spare bits");
        };
        char last = segment.charAt(segment.length() - 1);
        int v = alphabet.indexOf(last) | ((1 << spareBits) - 1);
        return segment.substring(0, segment.length() - 1) + alphabet.charAt(v);
    }
}

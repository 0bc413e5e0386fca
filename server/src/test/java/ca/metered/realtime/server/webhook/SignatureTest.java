package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureTest {

    @Test
    void signsWithHmacSha256AsRfc4231Says() {
        // RFC 4231 test case 2.
        Signature s = new Signature("Jefe");
        byte[] body = "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8);
        assertThat(s.sign(body))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void verifiesItsOwnSignatureAndNothingElse() {
        Signature s = new Signature("whsec_0123456789abcdef");
        byte[] body = "{\"id\":\"dlv_1\",\"events\":[]}".getBytes(StandardCharsets.UTF_8);
        String header = s.sign(body);
        assertThat(s.verify(body, header)).isTrue();
        assertThat(s.verify(body, " " + header + " ")).as("surrounding blanks are tolerated").isTrue();
        assertThat(s.verify("{\"id\":\"dlv_2\",\"events\":[]}".getBytes(StandardCharsets.UTF_8), header)).isFalse();
        assertThat(new Signature("whsec_another_secret_").verify(body, header)).isFalse();
        assertThat(s.verify(body, header.replace("sha256=", "sha1="))).isFalse();
        assertThat(s.verify(body, null)).isFalse();
    }
}

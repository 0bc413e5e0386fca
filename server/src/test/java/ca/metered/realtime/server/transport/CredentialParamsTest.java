package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialParamsTest {

    @Test
    void oneOfEachIsPassedOn() {
        assertThat(CredentialParams.of("/v1?key=pk_a")).isEqualTo(new CredentialParams("pk_a", null, null));
        assertThat(CredentialParams.of("/v1?token=t&x=1&x=2")).isEqualTo(new CredentialParams(null, "t", null));
        assertThat(CredentialParams.of("/v1")).isEqualTo(new CredentialParams(null, null, null));
        assertThat(CredentialParams.of("/v1?key=a&token=b")).isEqualTo(new CredentialParams("a", "b", null));
    }

    @Test
    void aRepeatedCredentialIsAProblemWithoutEchoingIt() {
        assertThat(CredentialParams.of("/v1?key=pk_a&key=pk_b").problem()).isEqualTo("repeated key parameter");
        assertThat(CredentialParams.of("/v1?key=&key=pk_b").problem()).isEqualTo("repeated key parameter");
        assertThat(CredentialParams.of("/v1?token=a&token=a").problem()).isEqualTo("repeated token parameter");
        CredentialParams bad = CredentialParams.of("/v1?key=pk_secretish%ZZ");
        assertThat(bad.problem()).isEqualTo("malformed query string");
        assertThat(bad.key()).isNull();
    }
}

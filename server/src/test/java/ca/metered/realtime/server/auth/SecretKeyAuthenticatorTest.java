package ca.metered.realtime.server.auth;

import static ca.metered.realtime.server.auth.AuthFixtures.CONFIG;
import static ca.metered.realtime.server.auth.AuthFixtures.DEMO_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretKeyAuthenticatorTest {
    private final SecretKeyAuthenticator auth = new SecretKeyAuthenticator(CONFIG);

    @Test
    void acceptsTheColonJoinedPair() {
        AppAndKey found = auth.authenticate("Bearer sk_id_demo:" + DEMO_SECRET).orElseThrow();
        assertThat(found.app().id()).isEqualTo("demo");
        assertThat(found.key().id()).isEqualTo("sk_id_demo");
        assertThat(auth.authenticate("bearer sk_id_demo:" + DEMO_SECRET)).isPresent();
    }

    @Test
    void rejectsEverythingElseAlike() {
        assertThat(auth.authenticate(null)).isEmpty();
        assertThat(auth.authenticate("")).isEmpty();
        assertThat(auth.authenticate("Bearer ")).isEmpty();
        assertThat(auth.authenticate("Bearer pk_live_demo")).isEmpty();
        assertThat(auth.authenticate("Bearer sk_id_demo")).isEmpty();
        assertThat(auth.authenticate("Bearer sk_id_demo:")).isEmpty();
        assertThat(auth.authenticate("Bearer sk_id_demo:sk_secret_wrong_but_long")).isEmpty();
        assertThat(auth.authenticate("Bearer sk_id_demo:" + DEMO_SECRET + "x")).isEmpty();
        assertThat(auth.authenticate("Bearer sk_id_nope:" + DEMO_SECRET)).isEmpty();
        assertThat(auth.authenticate("Basic sk_id_demo:" + DEMO_SECRET)).isEmpty();
        assertThat(auth.authenticate("sk_id_demo:" + DEMO_SECRET)).isEmpty();
    }

    @Test
    void keysOfADisabledAppDoNotAuthenticate() {
        assertThat(auth.authenticate("Bearer sk_id_off:sk_secret_off_0123456789")).isEmpty();
    }
}

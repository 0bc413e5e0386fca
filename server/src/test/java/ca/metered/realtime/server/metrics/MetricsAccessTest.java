package ca.metered.realtime.server.metrics;

import static ca.metered.realtime.server.metrics.MetricsAccess.Decision.ALLOWED;
import static ca.metered.realtime.server.metrics.MetricsAccess.Decision.FORBIDDEN;
import static ca.metered.realtime.server.metrics.MetricsAccess.Decision.UNAUTHORIZED;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsAccessTest {
    private static final String TOKEN = "scrape-token-0123456789";
    private static final InetAddress LOOPBACK4 = address("127.0.0.1");
    private static final InetAddress LOOPBACK_OTHER = address("127.8.9.10");
    private static final InetAddress LOOPBACK6 = address("::1");
    private static final InetAddress REMOTE = address("192.0.2.7");
    private static final InetAddress REMOTE6 = address("2001:db8::7");

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void onTheMainPortLoopbackClientsNeedNoCredentials() {
        MetricsAccess noToken = MetricsAccess.mainPort(Optional.empty());
        MetricsAccess withToken = MetricsAccess.mainPort(Optional.of(TOKEN));
        for (InetAddress loopback : new InetAddress[] {LOOPBACK4, LOOPBACK_OTHER, LOOPBACK6}) {
            assertThat(noToken.check(Optional.of(loopback), null)).isEqualTo(ALLOWED);
            assertThat(withToken.check(Optional.of(loopback), null)).isEqualTo(ALLOWED);
            assertThat(withToken.check(Optional.of(loopback), "Bearer wrong")).isEqualTo(ALLOWED);
        }
    }

    @Test
    void onTheMainPortOthersAreForbiddenWithoutAConfiguredToken() {
        MetricsAccess access = MetricsAccess.mainPort(Optional.empty());
        assertThat(access.check(Optional.of(REMOTE), null)).isEqualTo(FORBIDDEN);
        assertThat(access.check(Optional.of(REMOTE6), "Bearer " + TOKEN)).isEqualTo(FORBIDDEN);
        assertThat(access.check(Optional.empty(), null)).as("unknown client").isEqualTo(FORBIDDEN);
    }

    @Test
    void onTheMainPortOthersNeedTheExactBearerToken() {
        MetricsAccess access = MetricsAccess.mainPort(Optional.of(TOKEN));
        assertThat(access.check(Optional.of(REMOTE), "Bearer " + TOKEN)).isEqualTo(ALLOWED);
        assertThat(access.check(Optional.of(REMOTE6), "bearer " + TOKEN)).as("scheme is case-insensitive").isEqualTo(ALLOWED);
        assertThat(access.check(Optional.of(REMOTE), null)).isEqualTo(UNAUTHORIZED);
        assertThat(access.check(Optional.of(REMOTE), "")).isEqualTo(UNAUTHORIZED);
        assertThat(access.check(Optional.of(REMOTE), "Bearer")).isEqualTo(UNAUTHORIZED);
        assertThat(access.check(Optional.of(REMOTE), "Bearer " + TOKEN + "x")).isEqualTo(UNAUTHORIZED);
        assertThat(access.check(Optional.of(REMOTE), "Bearer " + TOKEN.substring(1))).isEqualTo(UNAUTHORIZED);
        assertThat(access.check(Optional.of(REMOTE), "Basic " + TOKEN)).isEqualTo(UNAUTHORIZED);
        assertThat(access.check(Optional.of(REMOTE), TOKEN)).isEqualTo(UNAUTHORIZED);
        assertThat(access.check(Optional.empty(), null)).as("unknown client").isEqualTo(UNAUTHORIZED);
        assertThat(access.check(Optional.empty(), "Bearer " + TOKEN)).isEqualTo(ALLOWED);
    }

    @Test
    void theSeparatePortIsOpenWithoutATokenAndAsksEveryoneForOneWithIt() {
        MetricsAccess open = MetricsAccess.separatePort(Optional.empty());
        assertThat(open.check(Optional.of(REMOTE), null)).isEqualTo(ALLOWED);
        assertThat(open.check(Optional.of(LOOPBACK4), null)).isEqualTo(ALLOWED);

        MetricsAccess guarded = MetricsAccess.separatePort(Optional.of(TOKEN));
        assertThat(guarded.check(Optional.of(LOOPBACK4), null)).isEqualTo(UNAUTHORIZED);
        assertThat(guarded.check(Optional.of(REMOTE), null)).isEqualTo(UNAUTHORIZED);
        assertThat(guarded.check(Optional.of(REMOTE), "Bearer " + TOKEN)).isEqualTo(ALLOWED);
    }
}

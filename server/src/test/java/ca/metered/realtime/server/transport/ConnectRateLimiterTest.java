package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectRateLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final ConnectRateLimiter limiter = new ConnectRateLimiter(3, 60_000_000_000L, now::get);

    @Test
    void countsAttemptsPerKeyWithinTheWindow() {
        assertThat(limiter.tryAcquire("1.2.3.4")).isTrue();
        assertThat(limiter.tryAcquire("1.2.3.4")).isTrue();
        assertThat(limiter.tryAcquire("1.2.3.4")).isTrue();
        assertThat(limiter.tryAcquire("1.2.3.4")).isFalse();
        assertThat(limiter.tryAcquire("5.6.7.8")).isTrue();
        now.addAndGet(60_000_000_000L);
        assertThat(limiter.tryAcquire("1.2.3.4")).isTrue();
    }

    @Test
    void trustedProxyIsKeyedOnTheLastForwardedHopAndUnlimitedWithoutIt() {
        ClientAddress addresses = new ClientAddress(List.of("127.0.0.1", "::1", "10.0.0.0/8"));
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 5000);
        InetSocketAddress proxy = new InetSocketAddress("10.1.2.3", 5000);
        InetSocketAddress direct = new InetSocketAddress("192.0.2.7", 5000);
        assertThat(addresses.rateKey(loopback, null)).isNull();
        assertThat(addresses.rateKey(loopback, "198.51.100.1, 203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(addresses.rateKey(proxy, "198.51.100.1")).isEqualTo("198.51.100.1");
        assertThat(addresses.rateKey(direct, "198.51.100.1")).isEqualTo("192.0.2.7");
    }
}

package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.server.config.ConnectionLimits;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {
    private final ClientErrors errors = new ClientErrors();

    /** A connection from {@code ip}, idle (waiting for the client) unless told otherwise. */
    static final class Conn implements ConnectionBudget.Pending {
        final EmbeddedChannel channel;
        volatile boolean idle = true;

        Conn(String ip) {
            InetSocketAddress remote = new InetSocketAddress(ip, 40000);
            channel = new EmbeddedChannel() {
                @Override
                protected SocketAddress remoteAddress0() {
                    return remote;
                }
            };
        }

        @Override
        public Channel channel() {
            return channel;
        }

        @Override
        public boolean isIdle() {
            return idle;
        }
    }

    private ConnectionBudget budget(int maxOpen, int maxPending, int perIp) {
        return new ConnectionBudget(maxOpen, maxPending, perIp, a -> a.getAddress().isLoopbackAddress(), errors);
    }

    @Test
    void pastMaxPendingTheOldestIdleConnectionIsEvictedForTheNewOne() {
        ConnectionBudget b = budget(100, 3, 100);
        Conn first = new Conn("10.0.0.1");
        Conn second = new Conn("10.0.0.2");
        Conn third = new Conn("10.0.0.3");
        assertThat(b.admit(first)).isTrue();
        assertThat(b.admit(second)).isTrue();
        assertThat(b.admit(third)).isTrue();
        first.idle = false; // the server is answering it: not evictable
        Conn fourth = new Conn("10.0.0.4");
        assertThat(b.admit(fourth)).isTrue();
        assertThat(first.channel.isOpen()).isTrue();
        assertThat(second.channel.isOpen()).as("oldest idle evicted").isFalse();
        assertThat(b.pending()).isEqualTo(3);
        assertThat(b.open()).isEqualTo(3);
        // its close does not count twice
        b.closed(second.channel);
        assertThat(b.open()).isEqualTo(3);
    }

    @Test
    void whenNothingIsIdleTheNewConnectionIsRefused() {
        ConnectionBudget b = budget(100, 2, 100);
        Conn a = new Conn("10.0.0.1");
        Conn c = new Conn("10.0.0.2");
        b.admit(a);
        b.admit(c);
        a.idle = false;
        c.idle = false;
        assertThat(b.admit(new Conn("10.0.0.3"))).isFalse();
        assertThat(a.channel.isOpen()).isTrue();
        assertThat(c.channel.isOpen()).isTrue();
    }

    @Test
    void upgradedConnectionsCountAgainstMaxOpenButAreNeverEvicted() {
        ConnectionBudget b = budget(3, 3, 100);
        Conn ws1 = new Conn("10.0.0.1");
        Conn ws2 = new Conn("10.0.0.2");
        b.admit(ws1);
        b.admit(ws2);
        b.upgraded(ws1.channel);
        b.upgraded(ws2.channel);
        Conn http = new Conn("10.0.0.3");
        assertThat(b.admit(http)).isTrue();
        assertThat(b.admit(new Conn("10.0.0.4"))).as("evicts the pending one, not the upgraded").isTrue();
        assertThat(http.channel.isOpen()).isFalse();
        assertThat(ws1.channel.isOpen()).isTrue();
        assertThat(ws2.channel.isOpen()).isTrue();
        b.closed(ws1.channel);
        assertThat(b.open()).isEqualTo(2);
        assertThat(b.pending()).isEqualTo(1);
    }

    @Test
    void whenEveryConnectionHasUpgradedProbesGetTheReserve() {
        ConnectionBudget b = budget(2, 100, 100);
        for (String ip : new String[] {"10.0.0.1", "10.0.0.2"}) {
            Conn ws = new Conn(ip);
            b.admit(ws);
            b.upgraded(ws.channel);
        }
        java.util.List<Conn> probes = new java.util.ArrayList<>();
        for (int i = 0; i < ConnectionBudget.PROBE_SLOTS; i++) {
            Conn probe = new Conn("10.0.1." + i);
            assertThat(b.admit(probe)).isTrue();
            assertThat(ConnectionBudget.isProbeOnly(probe.channel)).isTrue();
            probes.add(probe);
        }
        // the reserve is bounded: a new probe takes the oldest idle one's place …
        Conn next = new Conn("10.0.2.1");
        assertThat(b.admit(next)).isTrue();
        assertThat(probes.get(0).channel.isOpen()).isFalse();
        assertThat(b.open()).isEqualTo(2 + ConnectionBudget.PROBE_SLOTS);
        // … and when all are busy, the newcomer is refused
        probes.forEach(p -> p.idle = false);
        next.idle = false;
        assertThat(b.admit(new Conn("10.0.2.2"))).isFalse();
        // closed probes free their reserve slots; the upgraded ones still hold every regular one
        b.closed(probes.get(1).channel);
        b.closed(probes.get(2).channel);
        Conn regular = new Conn("10.0.3.1");
        assertThat(b.admit(regular)).isTrue();
        assertThat(ConnectionBudget.isProbeOnly(regular.channel)).isTrue();
    }

    @Test
    void aRegularConnectionIsNeverProbeOnlyWhileThereIsRoom() {
        ConnectionBudget b = budget(2, 100, 100);
        Conn a = new Conn("10.0.0.1");
        Conn c = new Conn("10.0.0.2");
        b.admit(a);
        b.admit(c);
        assertThat(ConnectionBudget.isProbeOnly(a.channel)).isFalse();
        assertThat(ConnectionBudget.isProbeOnly(c.channel)).isFalse();
        Conn d = new Conn("10.0.0.3");
        assertThat(b.admit(d)).isTrue();
        assertThat(a.channel.isOpen()).as("idle pending evicted before using the reserve").isFalse();
        assertThat(ConnectionBudget.isProbeOnly(d.channel)).isFalse();
    }

    @Test
    void anAddressMayHoldOnlyMaxPendingPerIpAndUpgradesOrClosesGiveRoomBack() {
        ConnectionBudget b = budget(100, 100, 2);
        Conn a = new Conn("10.0.0.9");
        Conn c = new Conn("10.0.0.9");
        assertThat(b.admit(a)).isTrue();
        assertThat(b.admit(c)).isTrue();
        assertThat(b.admit(new Conn("10.0.0.9"))).isFalse();
        assertThat(b.admit(new Conn("10.0.0.8"))).as("another address").isTrue();
        b.upgraded(a.channel);
        assertThat(b.admit(new Conn("10.0.0.9"))).isTrue();
        assertThat(b.admit(new Conn("10.0.0.9"))).isFalse();
        b.closed(c.channel);
        assertThat(b.admit(new Conn("10.0.0.9"))).isTrue();
    }

    @Test
    void theSharedCloseListenerReleasesEachConnectionOnceEvictedOrNot() {
        ConnectionBudget b = budget(100, 2, 100);
        Conn upgraded = new Conn("10.0.1.1");
        Conn idle = new Conn("10.0.1.2");
        for (Conn c : new Conn[] {upgraded, idle}) {
            assertThat(b.admit(c)).isTrue();
            c.channel.closeFuture().addListener(b.closeListener());
        }
        b.upgraded(upgraded.channel);
        Conn third = new Conn("10.0.1.3");
        Conn fourth = new Conn("10.0.1.4");
        assertThat(b.admit(third)).isTrue();
        third.channel.closeFuture().addListener(b.closeListener());
        assertThat(b.admit(fourth)).as("evicts the idle pending one").isTrue();
        fourth.channel.closeFuture().addListener(b.closeListener());
        assertThat(idle.channel.isOpen()).isFalse();
        assertThat(b.open()).isEqualTo(3);
        upgraded.channel.close();
        assertThat(b.open()).isEqualTo(2);
        third.channel.close();
        fourth.channel.close();
        assertThat(b.open()).isZero();
        assertThat(b.pending()).isZero();
    }

    @Test
    void exemptAddressesHaveNoPerAddressCap() {
        ConnectionBudget b = budget(100, 100, 1);
        for (int i = 0; i < 10; i++) {
            assertThat(b.admit(new Conn("127.0.0.1"))).isTrue();
        }
    }

    @Test
    void theBudgetIsDerivedFromTheDescriptorLimit() {
        ConnectionLimits defaults = ConnectionLimits.defaults();
        ConnectionBudget b = ConnectionBudget.of(defaults, 1024, a -> false, errors);
        assertThat(b.maxOpen()).isEqualTo(1024 - 128);
        assertThat(b.maxPending()).isEqualTo((1024 - 128) / 2);
        assertThat(b.maxPendingPerIp()).isEqualTo(64);
        ConnectionBudget explicit = ConnectionBudget.of(new ConnectionLimits(Duration.ofSeconds(5), 50, 8, 100), 1024,
                a -> false, errors);
        assertThat(explicit.maxOpen()).isEqualTo(924);
        assertThat(explicit.maxPending()).isEqualTo(50);
        ConnectionBudget unknown = ConnectionBudget.of(defaults, -1, a -> false, errors);
        assertThat(unknown.maxOpen()).isEqualTo(Integer.MAX_VALUE);
        assertThat(unknown.maxPending()).isEqualTo(ConnectionBudget.UNKNOWN_LIMIT_MAX_PENDING);
        assertThatThrownBy(() -> ConnectionBudget.of(defaults, 150, a -> false, errors))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fdReserve");
    }
}

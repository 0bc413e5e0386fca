package ca.metered.realtime.server.connection;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.server.auth.ChannelScope;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.connection.Connections.Admission;
import ca.metered.realtime.server.config.ServerSettings;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Admission, expiry, keepalive and release of connections, on a manual clock (docs/protocol.md 5, 6.3, 8). */
class ConnectionsTest {
    private final CoreFixture core = new CoreFixture(new Limits(65536, 100, 100, 200, 2, 0, Limits.DEFAULT_MAX_TOKEN_LIFETIME));
    private static final Duration PING = ServerSettings.DEFAULT_PING_INTERVAL;
    private static final Duration GRACE = ServerSettings.DEFAULT_PING_TIMEOUT;

    private Admission admit(Grant g) {
        return core.connections.admit(g).toCompletableFuture().join();
    }

    @Test
    void theAppsConcurrentLimitRefusesTheNextConnectionUntilOneIsReleased() {
        CoreFixture.Client a = core.connect("a");
        core.connect("b");
        Grant third = core.grant("c", EnumSet.allOf(Action.class));
        assertThat(admit(third)).isEqualTo(Admission.REFUSED);
        core.connections.release(a.connection());
        assertThat(admit(third)).isEqualTo(Admission.ADMITTED);
        core.connections.abandon(third, Admission.ADMITTED); // it went away before opening
        assertThat(admit(third)).isEqualTo(Admission.ADMITTED);
        assertThat(core.backplane.usage().usage(CoreFixture.APP).toCompletableFuture().join().concurrentNow())
                .isEqualTo(2);
    }

    @Test
    void aTokenConnectionIsClosed4002AQuarterSecondBeforeItsExpiry() {
        long exp = core.time.clock().instant().getEpochSecond() + 20; // within the first ping interval
        Grant g = new Grant(core.app(), "t", ChannelScope.of(List.of(ChannelPattern.compile("**"))),
                EnumSet.allOf(Action.class), null, null, exp, "sk_id_test");
        CoreFixture.Client c = core.connect(g);
        core.time.advance(Duration.ofSeconds(20).minusMillis(Connections.EXPIRY_LEAD_MS + 1));
        assertThat(c.link().closeCode()).isNull();
        core.time.advance(Duration.ofMillis(1));
        assertThat(c.link().closeCode()).isEqualTo(4002);
        assertThat(c.link().closeReason()).isEqualTo("token expired");
    }

    @Test
    void releasedConnectionsAreNotClosedByTheirExpiryLater() {
        long exp = core.time.clock().instant().getEpochSecond() + 10;
        Grant g = new Grant(core.app(), "t", ChannelScope.of(List.of(ChannelPattern.compile("**"))),
                EnumSet.allOf(Action.class), null, null, exp, "sk_id_test");
        CoreFixture.Client c = core.connect(g);
        core.connections.release(c.connection());
        core.time.advance(Duration.ofSeconds(20));
        assertThat(c.link().closeCode()).isNull();
        assertThat(core.connections.size()).isZero();
    }

    @Test
    void theSweepPingsOncePerIntervalAndClosesAConnectionSilentForTheGraceAfterAPing() {
        CoreFixture.Client silent = core.connect("silent");
        CoreFixture.Client talking = core.connect("talking");
        core.time.advance(PING.plusSeconds(1));
        assertThat(silent.link().pings()).isEqualTo(1);
        assertThat(talking.link().pings()).isEqualTo(1);
        talking.connection().touched(core.time.nanoTime()); // its pong
        core.time.advance(GRACE);
        assertThat(silent.link().closeCode()).isEqualTo(1001);
        assertThat(silent.link().closeReason()).isEqualTo("ping timeout");
        assertThat(talking.link().closeCode()).isNull();
        core.time.advance(PING);
        assertThat(talking.link().pings()).isEqualTo(2);
    }

    @Test
    void theLifecycleIsHeardInOrder() {
        CoreFixture.Client c = core.connect("p");
        core.memberships.subscribe(c.connection(), "room", false, s -> { }).toCompletableFuture().join();
        core.connections.release(c.connection());
        assertThat(core.events.events).containsExactly("opened p", "subscribed p room", "unsubscribed p room",
                "closed p");
    }
}

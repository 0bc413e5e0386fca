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
        // The first ping comes within one interval (sooner for some connections: they are spread);
        // `talking` answers each ping a second after it, `silent` never does.
        advancePonging(talking, PING.plus(GRACE).plusSeconds(1));
        assertThat(silent.link().pings()).isEqualTo(1);
        assertThat(silent.link().closeCode()).isEqualTo(1001);
        assertThat(silent.link().closeReason()).isEqualTo("ping timeout");
        assertThat(talking.link().closeCode()).isNull();
        int pings = talking.link().pings();
        assertThat(pings).isBetween(1, 2);
        advancePonging(talking, PING);
        assertThat(talking.link().pings()).as("once per interval").isEqualTo(pings + 1);
        assertThat(talking.link().closeCode()).isNull();
    }

    /** Advances a second at a time for {@code d}, {@code c} answering every new ping. */
    private void advancePonging(CoreFixture.Client c, Duration d) {
        int answered = c.link().pings();
        for (long s = 0; s < d.toSeconds(); s++) {
            core.time.advance(Duration.ofSeconds(1));
            if (c.link().pings() > answered) {
                c.connection().touched(core.time.nanoTime());
                answered = c.link().pings();
            }
        }
    }

    @Test
    void connectionsOpenedTogetherArePingedAtSpreadTimesNotInOneSweep() {
        CoreFixture big = new CoreFixture(new Limits(65536, 100, 100, 200, 1000, 0, Limits.DEFAULT_MAX_TOKEN_LIFETIME));
        List<CoreFixture.Client> crowd = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            crowd.add(big.connect("p" + i));
        }
        Duration tick = Duration.ofMillis(250);
        big.time.advance(PING.dividedBy(2).minus(tick));
        assertThat(crowd).as("none before half the interval").allSatisfy(c -> assertThat(c.link().pings()).isZero());
        java.util.Set<Integer> pingedAtStep = new java.util.HashSet<>();
        int pinged = 0;
        for (int step = 0; pinged < crowd.size() && step < 200; step++) {
            big.time.advance(tick);
            long t = big.time.nanoTime();
            crowd.stream().filter(c -> c.link().pings() > 0).forEach(c -> c.connection().touched(t)); // pongs
            int now = (int) crowd.stream().filter(c -> c.link().pings() > 0).count();
            if (now > pinged) {
                pingedAtStep.add(step);
            }
            pinged = now;
        }
        assertThat(pinged).as("all within the interval and a sweep").isEqualTo(crowd.size());
        // over the half interval's sweeps, not one burst (200 uniform draws: dozens of sweeps)
        assertThat(pingedAtStep).hasSizeGreaterThan(5);
        // and a second interval later each is pinged once more, still spread
        big.time.advance(PING.dividedBy(2).plusSeconds(2));
        assertThat(crowd).allSatisfy(c -> assertThat(c.link().closeCode()).isNull());
        assertThat(crowd.stream().filter(c -> c.link().pings() == 2).count()).isBetween(1L, (long) crowd.size() - 1);
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

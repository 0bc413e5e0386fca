package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.time.ManualScheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelOccupied;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelVacated;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceJoined;
import ca.metered.realtime.server.webhook.WebhookEvent.PresenceLeft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlapGraceTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<String> released = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private int seq;

    private FlapGrace grace(Duration window, int maxHeld) {
        return new FlapGrace(scheduler, window, maxHeld, e -> released.add(e.id()),
                pair -> pair.forEach(e -> dropped.add(e.id())));
    }

    /** An event decided now, with its type in the id for readable assertions. */
    private Logged now(WebhookEvent e) {
        return new Logged(e.type().wireName() + "#" + (++seq), scheduler.clock().millis(), e);
    }

    @Test
    void aChannelReoccupiedWithinTheGraceProducesNoPair() {
        FlapGrace g = grace(Duration.ofSeconds(3), 100);
        g.offer(now(new ChannelOccupied("room")));
        g.offer(now(new ChannelVacated("room")));
        scheduler.advance(Duration.ofMillis(2999));
        g.offer(now(new ChannelOccupied("room")));
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(released).containsExactly("channel.occupied#1");
        assertThat(dropped).containsExactly("channel.vacated#2", "channel.occupied#3");
        assertThat(g.held()).isZero();
    }

    @Test
    void aVacatedChannelIsToldWhenTheGraceEnds() {
        FlapGrace g = grace(Duration.ofSeconds(3), 100);
        g.offer(now(new ChannelVacated("room")));
        scheduler.advance(Duration.ofMillis(2999));
        assertThat(released).isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(released).containsExactly("channel.vacated#1");
        g.offer(now(new ChannelOccupied("room")));
        assertThat(released).as("after the grace the pair is real").containsExactly("channel.vacated#1",
                "channel.occupied#2");
        assertThat(dropped).isEmpty();
    }

    @Test
    void aPeerThatRejoinsWithinTheGraceProducesNoLeftJoinedPairButAnotherPeerDoes() {
        FlapGrace g = grace(Duration.ofSeconds(3), 100);
        g.offer(now(new PresenceLeft("room", "alice")));
        g.offer(now(new PresenceJoined("room", "bob", null)));
        g.offer(now(new PresenceJoined("other", "alice", null)));
        g.offer(now(new PresenceJoined("room", "alice", null)));
        assertThat(dropped).containsExactly("presence.left#1", "presence.joined#4");
        assertThat(released).containsExactly("presence.joined#2", "presence.joined#3");
    }

    @Test
    void peerEventsAreNeverHeld() {
        FlapGrace g = grace(Duration.ofSeconds(3), 100);
        g.offer(now(new PeerDisconnected("alice", "c1", 1006, "")));
        g.offer(now(new PeerConnected("alice", "c2", null)));
        assertThat(released).containsExactly("peer.disconnected#1", "peer.connected#2");
    }

    @Test
    void theGraceCountsFromWhenTheEventWasDecidedNotWhenItWasRead() {
        FlapGrace g = grace(Duration.ofSeconds(3), 100);
        Logged decided = now(new ChannelVacated("room"));
        scheduler.advance(Duration.ofSeconds(2)); // e.g. a new lease holder reads it late
        g.offer(decided);
        scheduler.advance(Duration.ofMillis(999));
        assertThat(released).isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(released).containsExactly("channel.vacated#1");
        Logged old = now(new ChannelVacated("lobby"));
        scheduler.advance(Duration.ofSeconds(10));
        g.offer(old);
        scheduler.advance(Duration.ZERO);
        assertThat(released).as("already past its grace: released at once").contains("channel.vacated#2");
    }

    @Test
    void aZeroGraceHoldsNothing() {
        FlapGrace g = grace(Duration.ZERO, 100);
        g.offer(now(new ChannelVacated("room")));
        g.offer(now(new ChannelOccupied("room")));
        assertThat(released).containsExactly("channel.vacated#1", "channel.occupied#2");
    }

    @Test
    void holdsAtMostMaxHeldAndLetsTheRestPass() {
        FlapGrace g = grace(Duration.ofSeconds(3), 2);
        for (int i = 0; i < 5; i++) {
            g.offer(now(new ChannelVacated("room-" + i)));
        }
        assertThat(g.held()).isEqualTo(2);
        assertThat(released).containsExactly("channel.vacated#3", "channel.vacated#4", "channel.vacated#5");
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(released).hasSize(5);
    }

    @Test
    void heldEventsAreReleasedInTheOrderTheyCame() {
        FlapGrace g = grace(Duration.ofSeconds(3), 100);
        g.offer(now(new PresenceLeft("room", "alice")));
        g.offer(now(new ChannelVacated("room")));
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(released).containsExactly("presence.left#1", "channel.vacated#2");
    }

    @Test
    void stoppingForgetsWhatIsHeld() {
        FlapGrace g = grace(Duration.ofSeconds(3), 100);
        g.offer(now(new ChannelVacated("room")));
        g.stop();
        scheduler.advance(Duration.ofSeconds(5));
        g.offer(now(new ChannelOccupied("room")));
        assertThat(released).isEmpty();
        assertThat(dropped).isEmpty();
        assertThat(scheduler.pending()).isZero();
    }
}

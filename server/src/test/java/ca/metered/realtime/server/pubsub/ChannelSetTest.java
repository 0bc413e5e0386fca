package ca.metered.realtime.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.ChannelPattern;
import org.junit.jupiter.api.Test;

/** A connection's channel names: one held alone, more in an array, in and out again. */
class ChannelSetTest {
    private final ChannelSet set = new ChannelSet();

    @Test
    void oneChannelThenSeveralThenBackToOneAndNone() {
        set.addChannel("a");
        set.addChannel("a");
        assertThat(set.size()).isOne();
        assertThat(set.hasChannel("a")).isTrue();
        assertThat(set.hasChannel("b")).isFalse();
        assertThat(set.removeChannel("b")).isFalse();

        set.addChannel("b");
        set.addChannel("c");
        assertThat(set.names()).containsExactly("a", "b", "c");
        assertThat(set.removeChannel("a")).isTrue();
        assertThat(set.removeChannel("a")).isFalse();
        assertThat(set.names()).containsExactly("b", "c");
        assertThat(set.removeChannel("c")).isTrue();
        assertThat(set.hasChannel("b")).isTrue();
        assertThat(set.takeChannels()).containsExactly("b");
        assertThat(set.size()).isZero();
        assertThat(set.hasChannel("b")).isFalse();
    }

    @Test
    void theOnlyChannelRemovedLeavesRoomForAnother() {
        set.addChannel("a");
        assertThat(set.removeChannel("a")).isTrue();
        assertThat(set.size()).isZero();
        assertThat(set.names()).isEmpty();
        set.addChannel("b");
        assertThat(set.takeChannels()).containsExactly("b");
        assertThat(set.takeChannels()).isEmpty();
    }

    @Test
    void globsAreCountedBesideTheChannels() {
        set.addChannel("a");
        set.addGlob("x/*", ChannelPattern.compile("x/*"));
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.names()).containsExactly("a", "x/*");
    }

    @Test
    void aChannelFromTheMiddleOfSeveralGoesAndTheOthersStay() {
        set.addChannel("a");
        set.addChannel("b");
        set.addChannel("c");
        assertThat(set.removeChannel("b")).isTrue();
        assertThat(set.names()).containsExactly("a", "c");
        assertThat(set.hasChannel("b")).isFalse();
        set.addChannel("d");
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.takeChannels()).containsExactlyInAnyOrder("a", "c", "d");
        assertThat(set.size()).isZero();
    }

    @Test
    void globsComeAndGoByTheirText() {
        ChannelPattern x = ChannelPattern.compile("x/*");
        ChannelPattern y = ChannelPattern.compile("y/**");
        set.addGlob("x/*", x);
        set.addGlob("y/**", y);
        set.addGlob("x/*", x);
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.hasGlob("y/**")).isTrue();
        assertThat(set.removeGlob("x/*")).isEqualTo(x);
        assertThat(set.removeGlob("x/*")).isNull();
        set.removeGlob("y/**", x); // no longer mapped to x: stays
        assertThat(set.hasGlob("y/**")).isTrue();
        set.removeGlob("y/**", y);
        assertThat(set.size()).isZero();
        assertThat(set.names()).isEmpty();
        set.addGlob("z", ChannelPattern.compile("z"));
        assertThat(set.takeGlobs()).containsExactly(ChannelPattern.compile("z"));
        assertThat(set.takeGlobs()).isEmpty();
        assertThat(set.hasGlob("z")).isFalse();
    }
}

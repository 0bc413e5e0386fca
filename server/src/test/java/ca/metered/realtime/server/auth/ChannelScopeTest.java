package ca.metered.realtime.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.ChannelPattern;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelScopeTest {
    private static List<ChannelPattern> patterns(String... globs) {
        return java.util.Arrays.stream(globs).map(ChannelPattern::compile).toList();
    }

    @Test
    void singleListAllowsWhatAnyPatternMatches() {
        ChannelScope scope = ChannelScope.of(patterns("room-*", "chat/**"));
        assertThat(scope.allows("room-1")).isTrue();
        assertThat(scope.allows("chat/a/b")).isTrue();
        assertThat(scope.allows("lobby")).isFalse();
    }

    @Test
    void intersectionRequiresEveryList() {
        ChannelScope scope = ChannelScope.of(patterns("room-*")).intersect(patterns("**"));
        assertThat(scope.allows("room-1")).isTrue();
        assertThat(scope.allows("lobby")).isFalse();
        assertThat(scope.allowsGlob(ChannelPattern.compile("room-*"))).isTrue();
        assertThat(scope.allowsGlob(ChannelPattern.compile("**"))).isFalse();

        ChannelScope both = ChannelScope.of(patterns("a/**")).intersect(patterns("*/b"));
        assertThat(both.allows("a/b")).isTrue();
        assertThat(both.allows("a/c")).isFalse();
        assertThat(both.allows("x/b")).isFalse();
        assertThat(both.allowsGlob(ChannelPattern.compile("a/b"))).isTrue();
        assertThat(both.allowsGlob(ChannelPattern.compile("a/*"))).isFalse();
    }

    @Test
    void emptyListAllowsNothing() {
        ChannelScope scope = ChannelScope.of(patterns("**")).intersect(List.of());
        assertThat(scope.allows("x")).isFalse();
        assertThat(scope.allowsGlob(ChannelPattern.compile("x"))).isFalse();
    }

    @Test
    void isImmutableAndComparable() {
        ChannelScope base = ChannelScope.of(patterns("**"));
        ChannelScope narrowed = base.intersect(patterns("room-*"));
        assertThat(base.allows("lobby")).isTrue();
        assertThat(narrowed.allows("lobby")).isFalse();
        assertThat(base).isEqualTo(ChannelScope.of(patterns("**")));
        assertThat(narrowed.patternLists()).hasSize(2);
    }
}

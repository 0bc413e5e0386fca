package ca.metered.realtime.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ChannelPatternTest {

    private static boolean matches(String glob, String name) {
        return ChannelPattern.compile(glob).matches(name);
    }

    private static boolean covers(String outer, String inner) {
        return ChannelPattern.compile(outer).covers(ChannelPattern.compile(inner));
    }

    @Test
    void matchesTheProtocolExamples() {
        assertThat(matches("app_abc/*", "app_abc/room-1")).isTrue();
        assertThat(matches("app_abc/*", "app_abc/sub/deep")).isFalse();
        assertThat(matches("app_abc/**", "app_abc/room-1")).isTrue();
        assertThat(matches("app_abc/**", "app_abc/sub/deep")).isTrue();
        assertThat(matches("**", "anything/at/all")).isTrue();
        assertThat(matches("room-*", "room-42")).isTrue();
    }

    @Test
    void matchesTheWholeNameOnly() {
        assertThat(matches("room", "room")).isTrue();
        assertThat(matches("room", "room-1")).isFalse();
        assertThat(matches("room", "my-room")).isFalse();
        assertThat(matches("room-*", "my-room-1")).isFalse();
        assertThat(matches("Room", "room")).isFalse();
    }

    @Test
    void singleStarMatchesEmptyRunButNeverSlash() {
        assertThat(matches("room-*", "room-")).isTrue();
        assertThat(matches("*", "a/b")).isFalse();
        assertThat(matches("*", "abc")).isTrue();
        assertThat(matches("a/*/c", "a/b/c")).isTrue();
        assertThat(matches("a/*/c", "a//c")).isTrue();
        assertThat(matches("a/*/c", "a/b/x/c")).isFalse();
        assertThat(matches("a/**/c", "a/b/x/c")).isTrue();
        assertThat(matches("a/**", "a/")).isTrue();
        assertThat(matches("a/**", "a")).isFalse();
    }

    @Test
    void escapedStarAndBackslashAreLiteral() {
        assertThat(matches("a\\*", "a*")).isTrue();
        assertThat(matches("a\\*", "ab")).isFalse();
        assertThat(matches("a\\\\b", "a\\b")).isTrue();
        assertThat(matches("a\\\\*", "a\\xyz")).isTrue();
        assertThat(matches("\\*\\*", "**")).isTrue();
        assertThat(matches("\\*\\*", "ab")).isFalse();
    }

    @Test
    void tripleStarBehavesLikeDoubleStar() {
        assertThat(matches("a/***", "a/b/c")).isTrue();
        assertThat(covers("**", "a/***")).isTrue();
        assertThat(covers("a/*", "a/***")).isFalse();
    }

    @Test
    void rejectsEmptyAndBadEscapes() {
        assertThatThrownBy(() -> ChannelPattern.compile(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> ChannelPattern.compile(null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChannelPattern.compile("room\\"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone backslash");
        assertThatThrownBy(() -> ChannelPattern.compile("room\\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid escape");
    }

    /**
     * A backtracking matcher takes exponential time here (minutes to never); the DP answers
     * in milliseconds. The timeout is a hang guard with a huge margin, not a benchmark.
     */
    @Test
    @Timeout(10)
    void pathologicalPatternStaysFast() {
        ChannelPattern p = ChannelPattern.compile("*a*a*a*a*a*a*a*a*a*a*a*a*b");
        String name = "a".repeat(5_000);
        for (int i = 0; i < 20; i++) {
            assertThat(p.matches(name)).isFalse();
        }
        assertThat(p.matches(name + "b")).isTrue();
        ChannelPattern deep = ChannelPattern.compile("**a**a**a**a**a**a**a**a**b");
        assertThat(deep.matches("a/".repeat(2_000))).isFalse();
        assertThat(ChannelPattern.compile("*a*a*a*a*a*a*b").covers(ChannelPattern.compile("*a*".repeat(500))))
                .isFalse();
    }

    @Test
    void coversTheBriefExamples() {
        assertThat(covers("**", "anything/**")).isTrue();
        assertThat(covers("**", "*")).isTrue();
        assertThat(covers("app/*", "app/room-*")).isTrue();
        assertThat(covers("app/*", "app/*")).isTrue();
        assertThat(covers("app/*", "app/**")).isFalse();
        assertThat(covers("room-*", "room-1")).isTrue();
        assertThat(covers("a/*/c", "a/*/c")).isTrue();
        assertThat(covers("*", "a/b")).isFalse();
    }

    @Test
    void coverageIsSoundOnTrickyPairs() {
        assertThat(covers("room-*", "*")).isFalse();
        assertThat(covers("*", "**")).isFalse();
        assertThat(covers("a/**", "**")).isFalse();
        assertThat(covers("**/events", "devices/*/events")).isTrue();
        assertThat(covers("devices/*/events", "devices/**/events")).isFalse();
        assertThat(covers("*a*", "*a*a*")).isTrue();
        assertThat(covers("*-*", "*")).isFalse();
        assertThat(covers("a\\*", "a*")).isFalse();
        assertThat(covers("a*", "a\\*")).isTrue();
        assertThat(covers("room-1", "room-1")).isTrue();
        assertThat(covers("room-1", "room-2")).isFalse();
    }

    @Test
    void equalityIsOnGlobText() {
        assertThat(ChannelPattern.compile("a/*")).isEqualTo(ChannelPattern.compile("a/*"))
                .hasSameHashCodeAs(ChannelPattern.compile("a/*"));
        assertThat(ChannelPattern.compile("a/*")).isNotEqualTo(ChannelPattern.compile("a/**"));
        assertThat(ChannelPattern.compile("a/\\*").glob()).isEqualTo("a/\\*");
        assertThat(ChannelPattern.compile("a/\\*")).hasToString("a/\\*");
    }
}

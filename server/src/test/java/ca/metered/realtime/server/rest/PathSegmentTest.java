package ca.metered.realtime.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathSegmentTest {

    @Test
    void validEscapesDecodeAsUtf8AndPlusIsLiteral() {
        assertThat(PathSegment.decode("room-1")).isEqualTo("room-1");
        assertThat(PathSegment.decode("price-%E2%82%AC")).isEqualTo("price-\u20ac");
        assertThat(PathSegment.decode("a%2Fb+c")).isEqualTo("a/b+c");
        assertThat(PathSegment.decode("%f0%9f%98%80")).isEqualTo("\ud83d\ude00");
        assertThat(PathSegment.decode("%25")).isEqualTo("%");
        // raw UTF-8 bytes, as Netty hands them over (one char per byte)
        assertThat(PathSegment.decode("\u00e2\u0082\u00ac")).isEqualTo("\u20ac");
    }

    @Test
    void escapesThatAreNotUtf8AreInvalidNeverReplacementCharacters() {
        for (String bad : new String[] {"%C0%AF", "%ED%A0%80", "%E2%82", "%FF", "%80", "%C3%28", "%F8%88%80%80%80",
                "%F4%90%80%80", "%E0%80%80", "\u00c0\u00af"}) {
            assertThat(PathSegment.decode(bad)).as(bad).isNull();
        }
    }

    @Test
    void brokenEscapesAreInvalid() {
        for (String bad : new String[] {"%", "%2", "a%G0", "%%41", "\u0100"}) {
            assertThat(PathSegment.decode(bad)).as(bad).isNull();
        }
    }
}

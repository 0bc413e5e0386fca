package ca.metered.realtime.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalBase64UrlTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** The same bytes, spelled with the unused low bits of the last character set. */
    static String withSpareBitsSet(String segment) {
        int spare = segment.length() % 4 == 2 ? 4 : 2;
        int v = ALPHABET.indexOf(segment.charAt(segment.length() - 1)) | ((1 << spare) - 1);
        return segment.substring(0, segment.length() - 1) + ALPHABET.charAt(v);
    }

    @Test
    void everyCanonicalEncodingIsAcceptedAndEveryOtherSpellingOfTheSameBytesIsNot() {
        Random random = new Random(42);
        for (int n = 0; n < 200; n++) {
            byte[] bytes = new byte[n % 40];
            random.nextBytes(bytes);
            String canonical = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            assertThat(CanonicalBase64Url.isCanonical(canonical)).as(canonical).isTrue();
            if (canonical.length() % 4 != 0) {
                String other = withSpareBitsSet(canonical);
                // the lenient decoder reads the same bytes: that is the ambiguity refused
                assertThat(Base64.getUrlDecoder().decode(other)).isEqualTo(bytes);
                assertThat(CanonicalBase64Url.isCanonical(other)).as(other).isFalse();
            }
        }
    }

    @Test
    void paddingOtherAlphabetsAndImpossibleLengthsAreRefused() {
        assertThat(CanonicalBase64Url.isCanonical("YQ==")).isFalse();
        assertThat(CanonicalBase64Url.isCanonical("YQ")).isTrue();
        assertThat(CanonicalBase64Url.isCanonical("a+/b")).isFalse();
        assertThat(CanonicalBase64Url.isCanonical("abcde")).isFalse();
        assertThat(CanonicalBase64Url.isCanonical("ab cd")).isFalse();
        assertThat(CanonicalBase64Url.isCanonical("")).isTrue();
    }

    @Test
    void aJwsHasExactlyThreeCanonicalSegments() {
        assertThat(CanonicalBase64Url.isCanonicalJws("YQ.YQ.YQ")).isTrue();
        assertThat(CanonicalBase64Url.isCanonicalJws("YQ.YQ")).isFalse();
        assertThat(CanonicalBase64Url.isCanonicalJws("YQ.YQ.YQ.YQ.YQ")).isFalse();
        assertThat(CanonicalBase64Url.isCanonicalJws("YQ.YQ.YR")).isFalse();
        assertThat(CanonicalBase64Url.isCanonicalJws("YQ.YQ.YQ.")).isFalse();
    }
}

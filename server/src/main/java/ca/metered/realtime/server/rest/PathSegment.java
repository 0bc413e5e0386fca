package ca.metered.realtime.server.rest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of one path segment (RFC 3986 2.1) as UTF-8: a {@code %} not followed
 * by two hex digits, or escapes that are not UTF-8 (overlong forms such as {@code %C0%AF},
 * surrogates such as {@code %ED%A0%80}, truncated sequences), make the segment invalid instead of
 * becoming U+FFFD, so two different raw names can never address one channel. {@code +} is a
 * literal plus, as everywhere in a path.
 *
 * <p>Stateless; thread-safe.
 */
public final class PathSegment {
    private PathSegment() {
    }

    /** The decoded segment, or {@code null} when it is not valid percent-encoded UTF-8. */
    public static String decode(String raw) {
        if (raw.chars().allMatch(c -> c < 0x80 && c != '%')) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c <= 0xff) {
                // Netty reads the request line byte for byte (ISO-8859-1): a raw non-ASCII byte
                // is that byte, and must be part of valid UTF-8 like an escaped one
                bytes.write(c);
            } else {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

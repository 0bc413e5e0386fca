package ca.metered.realtime.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Channel-name rules of docs/protocol.md 2.4: length, forbidden characters, reserved prefixes and
 * whether a name is a wildcard subscription.
 *
 * <p>Stateless; thread-safe.
 */
public final class ChannelNames {
    /** Longest channel name, in UTF-8 bytes. */
    public static final int MAX_BYTES = 256;

    private static final String[] RESERVED_PREFIXES = {"_metered/", "_internal/", "_system/"};

    private ChannelNames() {
    }

    /** Whether {@code name} is 1–256 UTF-8 bytes without C0/C1 control characters or DEL. */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x1F || (c >= 0x7F && c <= 0x9F)) {
                return false;
            }
            // A lone surrogate cannot be encoded as UTF-8; JSON allows it through \\uD800 escapes.
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) {
                    return false;
                }
                i++;
            }
        }
        return utf8Length(name) <= MAX_BYTES;
    }

    /** Whether {@code name} starts with a reserved prefix, compared case-insensitively. */
    public static boolean isReserved(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String prefix : RESERVED_PREFIXES) {
            if (lower.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name} holds an unescaped {@code *}, i.e. is a wildcard subscription glob. */
    public static boolean isWildcard(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*') {
                return true;
            }
        }
        return false;
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}

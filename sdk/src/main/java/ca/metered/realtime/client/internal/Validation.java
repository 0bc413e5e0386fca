package ca.metered.realtime.client.internal;

/**
 * Client-side argument checks, the same as the JS SDK's frame builders: they fail at the call
 * site instead of as a server {@code error} later. Stateless; thread-safe.
 */
final class Validation {
    private Validation() {
    }

    static void channel(String channel) {
        if (channel == null || channel.isEmpty()) {
            throw new IllegalArgumentException("channel must be a non-empty string");
        }
        if (channel.length() > 256) {
            throw new IllegalArgumentException("channel exceeds 256-char cap (got " + channel.length() + ")");
        }
        if (hasControlChars(channel)) {
            throw new IllegalArgumentException("channel contains control characters");
        }
    }

    static void peerId(String peerId) {
        if (peerId == null || peerId.isEmpty()) {
            throw new IllegalArgumentException("peerId must be a non-empty string");
        }
        if (peerId.length() > 128) {
            throw new IllegalArgumentException("peerId exceeds 128-char cap (got " + peerId.length() + ")");
        }
        if (hasControlChars(peerId)) {
            throw new IllegalArgumentException("peerId contains control characters");
        }
    }

    private static boolean hasControlChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x1F || c == 0x7F || (c >= 0x80 && c <= 0x9F)) {
                return true;
            }
        }
        return false;
    }
}

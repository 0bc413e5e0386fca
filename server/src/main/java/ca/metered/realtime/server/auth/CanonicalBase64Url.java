package ca.metered.realtime.server.auth;

import java.util.Base64;

/**
 * Whether a compact JWS ({@code header.payload.signature}) is written in canonical unpadded
 * base64url (RFC 7515 2, RFC 4648 3.5): only the URL alphabet, no padding, and the unused low
 * bits of the last character zero. Lenient decoders, nimbus-jose-jwt's among them, ignore those
 * bits, so without this check one signature has several spellings that all verify, and a token
 * could be altered without invalidating it.
 *
 * <p>Stateless; thread-safe.
 */
final class CanonicalBase64Url {
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private CanonicalBase64Url() {
    }

    /** Whether {@code token} has three segments, each canonical unpadded base64url. */
    static boolean isCanonicalJws(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return false;
        }
        for (String part : parts) {
            if (!isCanonical(part)) {
                return false;
            }
        }
        return true;
    }

    static boolean isCanonical(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!alphabet) {
                return false;
            }
        }
        if (segment.length() % 4 == 1) {
            return false;
        }
        // Re-encoding the decoded bytes gives the one canonical spelling; any other differs.
        return ENCODER.encodeToString(DECODER.decode(segment)).equals(segment);
    }
}

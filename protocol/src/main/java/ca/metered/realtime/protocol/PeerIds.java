package ca.metered.realtime.protocol;

/**
 * peerId rules of docs/protocol.md 5: 1–128 bytes of printable ASCII (0x20–0x7E).
 *
 * <p>Stateless; thread-safe.
 */
public final class PeerIds {
    public static final int MAX_LENGTH = 128;

    private PeerIds() {
    }

    public static boolean isValid(String peerId) {
        if (peerId == null || peerId.isEmpty() || peerId.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < peerId.length(); i++) {
            char c = peerId.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}

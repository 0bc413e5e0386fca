package ca.metered.realtime.peer.webrtc;

import java.util.ArrayList;
import java.util.List;

/** The little SDP reading the binding needs. */
final class Sdp {
    private Sdp() {
    }

    /**
     * The stream ids the remote labelled {@code trackId} with: every {@code a=msid:<stream> <track>}
     * line (RFC 8830) naming the track; {@code a=msid:- <track>} means no stream.
     */
    static List<String> streamIdsOf(String sdp, String trackId) {
        List<String> ids = new ArrayList<>();
        for (String line : sdp.split("\r?\n")) {
            if (!line.startsWith("a=msid:")) {
                continue;
            }
            String[] parts = line.substring("a=msid:".length()).trim().split("\\s+");
            if (parts.length == 2 && parts[1].equals(trackId) && !parts[0].equals("-") && !ids.contains(parts[0])) {
                ids.add(parts[0]);
            }
        }
        return ids;
    }
}

package ca.metered.realtime.peer;

import ca.metered.realtime.client.RealtimeException;
import java.util.List;

/**
 * JS {@code MeteredPeerReplaceTrackError} (code {@code replace_track_failed}): the swap failed on
 * at least one peer. Peers in {@link #succeeded()} already send the new track; retry the
 * {@link #failed()} ones.
 */
public class MeteredPeerReplaceTrackException extends RealtimeException {
    /** One peer on which {@code replaceTrack} failed. */
    public record Failure(String peerId, Throwable error) {
    }

    private final List<String> succeeded;
    private final List<Failure> failed;

    public MeteredPeerReplaceTrackException(List<String> succeeded, List<Failure> failed) {
        super("replace_track_failed", "MeteredPeer.replaceTrack: " + failed.size() + " of "
                + (succeeded.size() + failed.size()) + " peer(s) failed");
        this.succeeded = List.copyOf(succeeded);
        this.failed = List.copyOf(failed);
    }

    public List<String> succeeded() {
        return succeeded;
    }

    public List<Failure> failed() {
        return failed;
    }
}

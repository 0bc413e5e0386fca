package ca.metered.realtime.server.cluster;

import ca.metered.realtime.protocol.frame.PresenceMembers;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Decides cluster-wide presence per peerId per channel (docs/protocol.md 2.3): counts each peer's
 * announced connections over all nodes, publishes {@code joined} when the count goes 0→1 and
 * {@code left} when it goes 1→0 through the broker's channel traffic, and answers snapshots.
 * Each decision and its delta happen atomically, so every node sees one order of deltas.
 *
 * <p>Implementations are thread-safe.
 */
public interface PresenceStore {

    /**
     * Counts one connection of {@code peerId} on the channel (the caller has already watched the
     * channel) and returns the members at that moment, the joiner included.
     */
    CompletionStage<Snapshot> join(String appId, String channel, String peerId, RawJson metadata);

    /** Un-counts one connection counted by {@link #join}. */
    CompletionStage<Void> leave(String appId, String channel, String peerId);

    /** The members now, with the sequence number they reflect; counts nothing. */
    CompletionStage<Snapshot> snapshot(String appId, String channel);

    /** Announced peers of a concrete channel over all nodes, one entry per peerId. */
    default CompletionStage<List<PresenceEntry>> members(String appId, String channel) {
        return snapshot(appId, channel).thenApply(Snapshot::members);
    }

    /**
     * Members of a channel as of delta {@code seq} (every delta with a higher seq is newer), kept
     * encoded: a joiner's snapshot frame is copied from it ({@link PresenceMembers#presenceFrame}).
     */
    record Snapshot(PresenceMembers roster, long seq) {
        public static final Snapshot EMPTY = new Snapshot(PresenceMembers.NONE, Long.MAX_VALUE);

        public Snapshot {
            Objects.requireNonNull(roster, "roster");
        }

        /** Members given as entries (encoded here, once). */
        public Snapshot(List<PresenceEntry> members, long seq) {
            this(PresenceMembers.of(members), seq);
        }

        /** The members as entries. */
        public List<PresenceEntry> members() {
            return roster.entries();
        }
    }
}

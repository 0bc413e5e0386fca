package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One concrete channel on this node: its subscribers and its presence roster.
 *
 * <p>Thread-safe. Membership changes and the presence frames they cause happen under the
 * channel's monitor, so every member sees joins and leaves in the order they were decided
 * (protocol.md 2.3: for one peerId a {@code left} precedes a later {@code joined}), and a new
 * subscriber's ack and snapshot are queued before any later delta can reach it. Message
 * fan-out reads the subscriber map without the lock.
 */
final class LocalChannel {
    private final String name;
    /** Subscriber → includeSenderMetadata. */
    private final ConcurrentHashMap<Subscriber, Boolean> subscribers = new ConcurrentHashMap<>();
    /** peerId → presence slot of announced peers; guarded by {@code this}. */
    private final Map<String, PeerSlot> roster = new HashMap<>();

    LocalChannel(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    boolean isEmpty() {
        return subscribers.isEmpty();
    }

    Map<Subscriber, Boolean> subscribers() {
        return subscribers;
    }

    /**
     * Adds (or re-adds) a subscriber. Under the lock: registers it, calls {@code onJoined} with
     * the snapshot of other announced peers (the caller queues ack + snapshot there), and
     * announces the peer to the others if this is its first connection here.
     *
     * @return whether the peer became present on this channel with this call
     */
    synchronized boolean join(Subscriber s, boolean includeSenderMetadata, Consumer<List<PresenceEntry>> onJoined) {
        boolean already = subscribers.put(s, includeSenderMetadata) != null;
        List<PresenceEntry> snapshot = new ArrayList<>();
        if (s.presenceEnabled()) {
            for (Map.Entry<String, PeerSlot> e : roster.entrySet()) {
                if (!e.getKey().equals(s.peerId())) {
                    snapshot.add(new PresenceEntry(e.getKey(), e.getValue().metadata));
                }
            }
        }
        onJoined.accept(snapshot);
        if (already || !s.presenceEnabled()) {
            return false;
        }
        PeerSlot slot = roster.get(s.peerId());
        if (slot != null) {
            slot.connections++;
            return false;
        }
        roster.put(s.peerId(), new PeerSlot(s.peerMetadata()));
        PresenceEntry me = new PresenceEntry(s.peerId(), s.peerMetadata());
        broadcastPresence(new ServerFrame.Presence(name, List.of(me), List.of()), s.peerId());
        return true;
    }

    /**
     * Removes a subscriber; announces the peer's departure if it was its last connection here.
     *
     * @return whether the subscriber was on the channel
     */
    synchronized boolean leave(Subscriber s) {
        if (subscribers.remove(s) == null) {
            return false;
        }
        if (s.presenceEnabled()) {
            PeerSlot slot = roster.get(s.peerId());
            if (slot != null && --slot.connections == 0) {
                roster.remove(s.peerId());
                PresenceEntry me = new PresenceEntry(s.peerId(), null);
                broadcastPresence(new ServerFrame.Presence(name, List.of(), List.of(me)), s.peerId());
            }
        }
        return true;
    }

    /** The announced peers, for REST and for remote snapshots. */
    synchronized List<PresenceEntry> members() {
        List<PresenceEntry> out = new ArrayList<>(roster.size());
        roster.forEach((peerId, slot) -> out.add(new PresenceEntry(peerId, slot.metadata)));
        return out;
    }

    private void broadcastPresence(ServerFrame.Presence frame, String aboutPeer) {
        byte[] bytes = null;
        for (Subscriber other : subscribers.keySet()) {
            if (other.presenceEnabled() && !other.peerId().equals(aboutPeer)) {
                if (bytes == null) {
                    bytes = FrameCodec.encode(frame);
                }
                other.deliver(bytes);
            }
        }
    }

    /** Presence of one peerId on this channel: counted over its connections. */
    private static final class PeerSlot {
        final RawJson metadata;
        int connections = 1;

        PeerSlot(RawJson metadata) {
            this.metadata = metadata;
        }
    }
}

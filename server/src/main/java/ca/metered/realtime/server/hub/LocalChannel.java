package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.cluster.PresenceDelta;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One concrete channel on this node: its local subscriptions. Presence is decided by the
 * backplane's {@code PresenceStore}; this class only fans the decided deltas out.
 *
 * <p>Thread-safe. Fan-out reads the map without a lock.
 */
final class LocalChannel {
    private final String name;
    final ConcurrentHashMap<Subscriber, Subscription> subscriptions = new ConcurrentHashMap<>();

    LocalChannel(String name) {
        this.name = name;
    }

    boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    /** Fans a presence delta out to the presence-enabled subscribers other than the peer itself. */
    void deliverPresence(PresenceDelta d) {
        byte[] bytes = null;
        for (Subscription sub : subscriptions.values()) {
            Subscriber s = sub.subscriber();
            if (s.presenceEnabled() && !s.peerId().equals(d.peerId())) {
                if (bytes == null) {
                    PresenceEntry who = new PresenceEntry(d.peerId(), d.joined() ? d.metadata() : null);
                    bytes = FrameCodec.encode(d.joined()
                            ? new ServerFrame.Presence(name, List.of(who), List.of())
                            : new ServerFrame.Presence(name, List.of(), List.of(who)));
                }
                sub.offerPresence(d.seq(), bytes);
            }
        }
    }
}

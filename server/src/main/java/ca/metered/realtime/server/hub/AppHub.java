package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The local registry of one app on this node: channels with their subscribers and presence,
 * wildcard subscriptions, and the connections of each peerId. Apps never share an
 * {@code AppHub}, which is what keeps two apps' {@code room-1} apart (protocol.md 2.4).
 *
 * <p>Thread-safe; called from every event loop and from REST and backplane threads.
 * Fan-out encodes a frame once (twice when some subscribers asked for sender metadata) and
 * hands the same bytes to every subscriber.
 */
public final class AppHub {
    private final String appId;
    private final ConcurrentHashMap<String, LocalChannel> channels = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<WildcardSubscription> wildcards = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Set<Subscriber>> peers = new ConcurrentHashMap<>();

    public AppHub(String appId) {
        this.appId = appId;
    }

    public String appId() {
        return appId;
    }

    /** Registers a connection under its peerId (for directs and kicks). */
    public void addConnection(Subscriber s) {
        peers.compute(s.peerId(), (id, set) -> {
            Set<Subscriber> next = set == null ? ConcurrentHashMap.newKeySet() : set;
            next.add(s);
            return next;
        });
    }

    /** Unregisters a connection; the caller has already left its channels. */
    public void removeConnection(Subscriber s) {
        peers.computeIfPresent(s.peerId(), (id, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    /** Number of live local connections of a peer. */
    public int connectionsOf(String peerId) {
        Set<Subscriber> set = peers.get(peerId);
        return set == null ? 0 : set.size();
    }

    /** Total live local connections of this app. */
    public int connectionCount() {
        int n = 0;
        for (Set<Subscriber> set : peers.values()) {
            n += set.size();
        }
        return n;
    }

    /**
     * Subscribes to a concrete channel. {@code onJoined} runs under the channel lock with the
     * presence snapshot; the caller queues the ack and the snapshot there (protocol.md 2.3).
     */
    public void subscribe(Subscriber s, String channel, boolean includeSenderMetadata,
                          Consumer<List<PresenceEntry>> onJoined) {
        while (true) {
            LocalChannel ch = channels.computeIfAbsent(channel, LocalChannel::new);
            synchronized (ch) {
                // A channel emptied and dropped concurrently must not swallow this subscriber.
                if (channels.get(channel) != ch) {
                    continue;
                }
                ch.join(s, includeSenderMetadata, onJoined);
                return;
            }
        }
    }

    /** Leaves a concrete channel; returns whether the subscriber was on it. */
    public boolean unsubscribe(Subscriber s, String channel) {
        LocalChannel ch = channels.get(channel);
        if (ch == null) {
            return false;
        }
        synchronized (ch) {
            boolean was = ch.leave(s);
            if (ch.isEmpty()) {
                channels.remove(channel, ch);
            }
            return was;
        }
    }

    /** Adds a wildcard subscription (protocol.md 2.4); its snapshot is always empty. */
    public void subscribeGlob(Subscriber s, ChannelPattern glob, boolean includeSenderMetadata) {
        wildcards.removeIf(w -> w.subscriber() == s && w.glob().equals(glob));
        wildcards.add(new WildcardSubscription(glob, s, includeSenderMetadata));
    }

    public boolean unsubscribeGlob(Subscriber s, ChannelPattern glob) {
        return wildcards.removeIf(w -> w.subscriber() == s && w.glob().equals(glob));
    }

    /**
     * Delivers a message to every local subscriber of {@code channel} except the connection
     * {@code excludeConnectionId} (the publisher; {@code -1} for none).
     *
     * @return how many local connections it was queued to
     */
    public int publishLocal(String channel, String from, RawJson data, RawJson fromMetadata,
                            long excludeConnectionId) {
        Encoded enc = new Encoded(channel, from, data, fromMetadata);
        int delivered = 0;
        LocalChannel ch = channels.get(channel);
        Set<Subscriber> seen = null;
        if (ch != null) {
            for (Map.Entry<Subscriber, Boolean> e : ch.subscribers().entrySet()) {
                Subscriber s = e.getKey();
                if (s.connectionId() != excludeConnectionId) {
                    s.deliver(enc.bytes(e.getValue()));
                    delivered++;
                }
            }
        }
        if (!wildcards.isEmpty()) {
            for (WildcardSubscription w : wildcards) {
                Subscriber s = w.subscriber();
                if (s.connectionId() == excludeConnectionId || !w.glob().matches(channel)) {
                    continue;
                }
                if (ch != null && ch.subscribers().containsKey(s)) {
                    continue; // already delivered through the exact subscription
                }
                if (seen == null) {
                    seen = new HashSet<>();
                }
                if (seen.add(s)) { // several globs of one connection: still one copy
                    s.deliver(enc.bytes(w.includeSenderMetadata()));
                    delivered++;
                }
            }
        }
        return delivered;
    }

    /** Delivers a direct message to every local connection of {@code to}; returns how many. */
    public int directLocal(String to, String from, RawJson data, RawJson fromMetadata) {
        Set<Subscriber> targets = peers.get(to);
        if (targets == null || targets.isEmpty()) {
            return 0;
        }
        byte[] bytes = FrameCodec.encode(new ServerFrame.Direct(from, data, fromMetadata));
        int n = 0;
        for (Subscriber s : targets) {
            s.deliver(bytes);
            n++;
        }
        return n;
    }

    /** Closes every local connection of a peer with {@code code}; returns how many. */
    public int closePeer(String peerId, int code, String reason) {
        Set<Subscriber> targets = peers.get(peerId);
        if (targets == null) {
            return 0;
        }
        List<Subscriber> copy = new ArrayList<>(targets);
        copy.forEach(s -> s.close(code, reason));
        return copy.size();
    }

    /** Announced peers of a concrete channel on this node. */
    public List<PresenceEntry> members(String channel) {
        LocalChannel ch = channels.get(channel);
        return ch == null ? List.of() : ch.members();
    }

    /** Every live local connection, for shutdown. */
    public List<Subscriber> allConnections() {
        List<Subscriber> out = new ArrayList<>();
        peers.values().forEach(out::addAll);
        return out;
    }

    private record WildcardSubscription(ChannelPattern glob, Subscriber subscriber, boolean includeSenderMetadata) {
    }

    /** Lazily encodes the two variants of one message: with and without {@code fromMetadata}. */
    private static final class Encoded {
        private final String channel;
        private final String from;
        private final RawJson data;
        private final RawJson fromMetadata;
        private byte[] plain;
        private byte[] withMetadata;

        Encoded(String channel, String from, RawJson data, RawJson fromMetadata) {
            this.channel = channel;
            this.from = from;
            this.data = data;
            this.fromMetadata = fromMetadata;
        }

        byte[] bytes(boolean includeSenderMetadata) {
            if (includeSenderMetadata && fromMetadata != null) {
                if (withMetadata == null) {
                    withMetadata = FrameCodec.encode(new ServerFrame.Message(channel, from, data, fromMetadata));
                }
                return withMetadata;
            }
            if (plain == null) {
                plain = FrameCodec.encode(new ServerFrame.Message(channel, from, data, null));
            }
            return plain;
        }
    }
}

package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.cluster.PresenceDelta;
import ca.metered.realtime.server.metrics.AppMeters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The local registry of one app on this node: channels with their subscribers and presence,
 * wildcard subscriptions, and the connections of each peerId. Apps never share an
 * {@code AppHub}, which is what keeps two apps' {@code room-1} apart (docs/protocol.md 2.4).
 *
 * <p>Thread-safe; called from every event loop and from REST and backplane threads.
 * Fan-out encodes a frame once (twice when some subscribers asked for sender metadata) and
 * hands the same bytes to every subscriber.
 */
public final class AppHub {
    private final String appId;
    private final AppMeters meters;
    private final ConcurrentHashMap<String, LocalChannel> channels = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<WildcardSubscription> wildcards = new CopyOnWriteArrayList<>();
    /**
     * The local connections of each peerId: the {@link Subscriber} itself when it is the only
     * one, as nearly every peer has one connection, else an immutable {@code Subscriber[]}
     * replaced on change (a concurrent set per peer cost ~200 bytes of every idle connection, a
     * one-element array 24; docs/performance.md, "Idle connections").
     */
    private final ConcurrentHashMap<String, Object> peers = new ConcurrentHashMap<>();
    private final PresenceWindow presenceWindow;
    /** Channels whose presence batch is waiting or being handed out (see {@link LocalChannel}). */
    private final Set<LocalChannel> withPendingPresence = ConcurrentHashMap.newKeySet();

    public AppHub(String appId, AppMeters meters, PresenceWindow presenceWindow) {
        this.appId = appId;
        this.meters = meters;
        this.presenceWindow = presenceWindow;
    }

    /** Presence deltas go out one by one, at once. */
    public AppHub(String appId, AppMeters meters) {
        this(appId, meters, PresenceWindow.IMMEDIATE);
    }

    /** A hub whose meters go nowhere, deltas sent at once (tests). */
    public AppHub(String appId) {
        this(appId, AppMeters.unregistered(appId));
    }

    public String appId() {
        return appId;
    }

    /** Registers a connection under its peerId (for directs and kicks). */
    public void addConnection(Subscriber s) {
        peers.merge(s.peerId(), s, (had, one) -> {
            Subscriber[] all = all(had);
            for (Subscriber x : all) {
                if (x == s) {
                    return had;
                }
            }
            Subscriber[] next = Arrays.copyOf(all, all.length + 1);
            next[all.length] = s;
            return next;
        });
    }

    /** Unregisters a connection; the caller has already left its channels. */
    public void removeConnection(Subscriber s) {
        peers.computeIfPresent(s.peerId(), (id, had) -> {
            Subscriber[] all = all(had);
            Subscriber[] next = new Subscriber[all.length];
            int n = 0;
            for (Subscriber x : all) {
                if (x != s) {
                    next[n++] = x;
                }
            }
            return n == 0 ? null : n == all.length ? had : n == 1 ? next[0] : Arrays.copyOf(next, n);
        });
    }

    /** A value of {@link #peers} as an array (a new one for a single connection). */
    private static Subscriber[] all(Object peer) {
        return peer instanceof Subscriber one ? new Subscriber[] {one} : (Subscriber[]) peer;
    }

    /** Number of live local connections of a peer. */
    public int connectionsOf(String peerId) {
        Object of = peers.get(peerId);
        return of == null ? 0 : of instanceof Subscriber ? 1 : ((Subscriber[]) of).length;
    }

    /**
     * The String this node already holds for {@code channel} (its local channel's name), or
     * {@code channel} itself when no connection here is on it: what a subscription keeps, so that
     * a room's members share one name instead of a copy each (docs/performance.md, "Idle connections").
     */
    public String channelName(String channel) {
        LocalChannel ch = channels.get(channel);
        return ch == null ? channel : ch.name();
    }

    /** A subscription just registered by {@link #attach}; {@code isNew} when the connection was not on the channel. */
    public record Attached(Subscription subscription, boolean isNew) {
    }

    /**
     * Registers a subscription to a concrete channel, pending until the caller activates it
     * (see {@link Subscription}). A repeated subscribe re-pends the existing subscription.
     */
    public Attached attach(Subscriber s, String channel, boolean includeSenderMetadata) {
        while (true) {
            LocalChannel ch = channels.computeIfAbsent(channel,
                    name -> new LocalChannel(name, presenceWindow, withPendingPresence));
            synchronized (ch) {
                // A channel emptied and dropped concurrently must not swallow this subscriber.
                if (channels.get(channel) != ch) {
                    continue;
                }
                Subscription existing = ch.subscriptions.get(s);
                if (existing != null) {
                    existing.resubscribe(includeSenderMetadata);
                    return new Attached(existing, false);
                }
                Subscription sub = new Subscription(s, channel, includeSenderMetadata);
                ch.add(s, sub);
                return new Attached(sub, true);
            }
        }
    }

    /**
     * Removes a subscription; nothing more reaches it.
     *
     * @return {@code null} if the subscriber was not on the channel, else whether presence had
     *     counted it (a leave is owed)
     */
    public Boolean detach(Subscriber s, String channel) {
        LocalChannel ch = channels.get(channel);
        if (ch == null) {
            return null;
        }
        synchronized (ch) {
            Subscription sub = ch.remove(s);
            if (ch.isEmpty()) {
                channels.remove(channel, ch);
            }
            return sub == null ? null : sub.detach();
        }
    }

    /** Adds a wildcard subscription (docs/protocol.md 2.4); returns whether it is new for this connection. */
    public boolean subscribeGlob(Subscriber s, ChannelPattern glob, boolean includeSenderMetadata) {
        boolean replaced = wildcards.removeIf(w -> w.subscriber() == s && w.glob().equals(glob));
        wildcards.add(new WildcardSubscription(glob, s, includeSenderMetadata));
        return !replaced;
    }

    public boolean unsubscribeGlob(Subscriber s, ChannelPattern glob) {
        return wildcards.removeIf(w -> w.subscriber() == s && w.glob().equals(glob));
    }

    /**
     * Delivers a message to the local subscribers of {@code channel} except the connection
     * {@code excludeConnectionId} (the publisher; {@code -1} for none). Exact subscribers are
     * served when {@code exact}, wildcard subscribers when {@code wildcard}; a connection with
     * both kinds gets one copy, through its exact subscription. The frame is encoded once.
     * A positioned message that shows this node missed earlier ones (an offset gap) is preceded
     * by a {@code resubscribe} hint to the subscriptions that asked for recovery (docs/protocol.md 9).
     *
     * @param position the message's position, or {@code null} on a channel without history
     * @return how many local connections it was queued to
     */
    public int deliverMessage(String channel, String from, RawJson data, RawJson fromMetadata, StreamPosition position,
                              long excludeConnectionId, boolean exact, boolean wildcard) {
        flushPresence();
        Encoded enc = new Encoded(channel, from, data, fromMetadata, position);
        int delivered = 0;
        long bytes = 0;
        LocalChannel ch = channels.get(channel);
        if (exact && ch != null) {
            if (position != null && ch.received(position)) {
                ch.hintAll();
            }
            for (Subscription sub : ch.fanout()) {
                if (sub.subscriber().connectionId() != excludeConnectionId) {
                    byte[] frame = enc.bytes(sub.includeSenderMetadata());
                    sub.offerMessage(frame, position);
                    delivered++;
                    bytes += frame.length;
                }
            }
        }
        if (wildcard && !wildcards.isEmpty()) {
            Set<Subscriber> seen = null;
            for (WildcardSubscription w : wildcards) {
                Subscriber s = w.subscriber();
                if (s.connectionId() == excludeConnectionId || !w.glob().matches(channel)) {
                    continue;
                }
                if (ch != null && ch.subscriptions.containsKey(s)) {
                    continue; // served through the exact subscription
                }
                if (seen == null) {
                    seen = new HashSet<>();
                }
                if (seen.add(s)) { // several globs of one connection: still one copy
                    byte[] frame = enc.bytes(w.includeSenderMetadata());
                    s.deliver(frame);
                    delivered++;
                    bytes += frame.length;
                }
            }
        }
        // Counted once per fan-out, not per recipient, to keep the hot loop free of meters.
        meters.fannedOut(delivered, bytes);
        return delivered;
    }

    /** Delivers to exact and wildcard subscribers alike; see {@link #deliverMessage}. */
    public int publishLocal(String channel, String from, RawJson data, RawJson fromMetadata,
                            long excludeConnectionId) {
        return deliverMessage(channel, from, data, fromMetadata, null, excludeConnectionId, true, true);
    }

    /** Whether this node can tell whether it missed messages of the channel (see {@link #checkPosition}). */
    public boolean tracksPosition(String channel) {
        LocalChannel ch = channels.get(channel);
        return ch != null && ch.tracksPosition();
    }

    /**
     * After the backplane re-established a channel's traffic: if the channel's {@code current}
     * position is past the last message this node received, messages were missed, and the
     * subscriptions that asked for recovery get a {@code resubscribe} hint (docs/protocol.md 9).
     *
     * @return whether they were hinted
     */
    public boolean checkPosition(String channel, StreamPosition current) {
        LocalChannel ch = channels.get(channel);
        if (ch == null || !ch.behind(current)) {
            return false;
        }
        ch.hintAll();
        return true;
    }

    /**
     * Hands out every waiting presence batch of the app, before a message or a direct: a
     * {@code joined} must reach the members before anything that peer sends later
     * (docs/protocol.md 2.3), whatever channel that is on. Cheap when nothing waits.
     */
    private void flushPresence() {
        if (!withPendingPresence.isEmpty()) {
            for (LocalChannel ch : withPendingPresence) {
                ch.flushPresence();
            }
        }
    }

    /** Fans a decided presence delta out to this node's subscribers of the channel (batched per window). */
    public void deliverPresence(String channel, PresenceDelta delta) {
        LocalChannel ch = channels.get(channel);
        if (ch != null) {
            ch.deliverPresence(delta);
            meters.presenceDelta(delta.joined());
        }
    }

    /** The names of the concrete channels with local subscribers now (the admin's list). */
    public List<String> channelNames() {
        return new ArrayList<>(channels.keySet());
    }

    /** The local subscribers of a channel now; empty if none (the admin's channel view). */
    public List<Subscriber> subscribersOf(String channel) {
        LocalChannel ch = channels.get(channel);
        if (ch == null) {
            return List.of();
        }
        synchronized (ch) {
            return new ArrayList<>(ch.subscriptions.keySet());
        }
    }

    /** Concrete channels with local subscribers; a channel is dropped with its last one. */
    public int channelCount() {
        return channels.size();
    }

    /** Peers with at least one local connection. */
    public int peerCount() {
        return peers.size();
    }

    /** Wildcard subscriptions of local connections. */
    public int wildcardCount() {
        return wildcards.size();
    }

    /** Whether some local connection is subscribed to the concrete channel. */
    public boolean hasSubscribers(String channel) {
        LocalChannel ch = channels.get(channel);
        return ch != null && !ch.isEmpty();
    }

    /** Delivers a direct message to every local connection of {@code to}; returns how many. */
    public int directLocal(String to, String from, RawJson data, RawJson fromMetadata) {
        Object targets = peers.get(to);
        if (targets == null) {
            return 0;
        }
        flushPresence();
        byte[] bytes = FrameCodec.encode(new ServerFrame.Direct(from, data, fromMetadata));
        int n = 0;
        if (targets instanceof Subscriber one) {
            one.deliver(bytes);
            n = 1;
        } else {
            for (Subscriber s : (Subscriber[]) targets) {
                s.deliver(bytes);
                n++;
            }
        }
        meters.delivered(n, (long) n * bytes.length);
        return n;
    }

    /** Closes every local connection of a peer with {@code code}; returns how many. */
    public int closePeer(String peerId, int code, String reason) {
        Object targets = peers.get(peerId);
        if (targets == null) {
            return 0;
        }
        Subscriber[] all = all(targets);
        for (Subscriber s : all) {
            s.close(code, reason);
        }
        return all.length;
    }

    private record WildcardSubscription(ChannelPattern glob, Subscriber subscriber, boolean includeSenderMetadata) {
    }

    /** Lazily encodes the two variants of one message: with and without {@code fromMetadata}. */
    private static final class Encoded {
        private final String channel;
        private final String from;
        private final RawJson data;
        private final RawJson fromMetadata;
        private final StreamPosition position;
        private byte[] plain;
        private byte[] withMetadata;

        Encoded(String channel, String from, RawJson data, RawJson fromMetadata, StreamPosition position) {
            this.channel = channel;
            this.from = from;
            this.data = data;
            this.fromMetadata = fromMetadata;
            this.position = position;
        }

        byte[] bytes(boolean includeSenderMetadata) {
            if (includeSenderMetadata && fromMetadata != null) {
                if (withMetadata == null) {
                    withMetadata = FrameCodec.encode(new ServerFrame.Message(channel, from, data, fromMetadata,
                            position));
                }
                return withMetadata;
            }
            if (plain == null) {
                plain = FrameCodec.encode(new ServerFrame.Message(channel, from, data, null, position));
            }
            return plain;
        }
    }
}

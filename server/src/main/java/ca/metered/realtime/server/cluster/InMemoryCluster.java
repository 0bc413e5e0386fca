package ca.metered.realtime.server.cluster;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.PresenceMembers;
import ca.metered.realtime.protocol.frame.PresenceRoster;
import ca.metered.realtime.server.history.Appended;
import ca.metered.realtime.server.history.HistoryStore;
import ca.metered.realtime.server.history.InMemoryHistory;
import ca.metered.realtime.server.history.NewMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory backplane: every node that joins it (one, by default; several in tests) is
 * reached by direct calls. Everything is handed over synchronously, so a publish is "taken by
 * the backplane" as soon as the call returns, and presence decisions with their deltas happen
 * under one lock per channel.
 *
 * <p>A channel's presence roster exists only while someone is on the channel: the last leave
 * drops it, so channels opened once and left cost nothing afterwards. Delta sequence numbers
 * come from one counter for the whole cluster, so a channel that empties and fills again never
 * reuses a number a pending subscription could still compare against.
 *
 * <p>Channel history and idempotency keys live in one {@link InMemoryHistory} shared by the
 * members; a tracked publish is fanned out under its channel's history lock.
 *
 * <p>Thread-safe.
 */
public final class InMemoryCluster {
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final InMemoryUsageStore usage;
    private final Map<ChannelKey, Roster> rosters = new ConcurrentHashMap<>();
    private final AtomicLong presenceSeq = new AtomicLong();
    private final Clock clock;
    private final InMemoryHistory history;

    public InMemoryCluster(Clock clock) {
        this.clock = clock;
        this.usage = new InMemoryUsageStore(clock);
        this.history = new InMemoryHistory(clock);
    }

    /** Adds a node: its seams, which carry traffic once {@link Backplane#start started}. */
    public Backplane join(String nodeId) {
        Member me = new Member(nodeId);
        members.add(me);
        return me;
    }

    /** Channels with at least one member counted by presence, over every app. */
    public int presenceChannelCount() {
        return rosters.size();
    }

    /** One node's view of the cluster. */
    private final class Member implements Backplane, Broker, NodeDirectory {
        final String nodeId;
        volatile Broker.Inbound inbound;
        /** This member's last report and when it was made; a member in the list is alive. */
        volatile NodeEntry entry;
        private final Presence presence = new Presence();
        private final Control control = new Control();

        Member(String nodeId) {
            this.nodeId = nodeId;
        }

        @Override
        public Broker broker() {
            return this;
        }

        @Override
        public PresenceStore presence() {
            return presence;
        }

        @Override
        public ControlChannel control() {
            return control;
        }

        @Override
        public UsageStore usage() {
            return usage;
        }

        @Override
        public NodeDirectory nodes() {
            return this;
        }

        @Override
        public void report(NodeReport self) {
            entry = new NodeEntry(nodeId, clock.millis(), self);
        }

        @Override
        public CompletionStage<List<NodeEntry>> list() {
            long now = clock.millis();
            List<NodeEntry> all = new ArrayList<>();
            for (Member m : members) {
                NodeEntry e = m.entry;
                // A member in the list is alive now, whenever it last reported.
                all.add(e == null ? new NodeEntry(m.nodeId, now, null) : new NodeEntry(m.nodeId, now, e.report()));
            }
            return CompletableFuture.completedFuture(all);
        }

        @Override
        public HistoryStore history() {
            return history;
        }

        @Override
        public void start(Inbound in) {
            this.inbound = in;
        }

        @Override
        public void close() {
            members.remove(this);
        }

        @Override
        public CompletionStage<Integer> publish(Publication publication) {
            int n = 0;
            for (Member m : members) {
                if (m.inbound != null) {
                    n += m.inbound.onPublication(publication, Route.ALL);
                }
            }
            return CompletableFuture.completedFuture(n);
        }

        /** Under the channel's history lock: every member receives the channel's messages in offset order. */
        @Override
        public CompletionStage<Appended> publish(Publication p, Tracking t) {
            Appended a = history.publish(p.appId(), p.channel(), t.retention(),
                    new NewMessage(p.from(), p.data(), p.fromMetadata()), t.idempotencyKey(), t.window(), position -> {
                        Publication positioned = p.withPosition(position);
                        int n = 0;
                        for (Member m : members) {
                            if (m.inbound != null) {
                                n += m.inbound.onPublication(positioned, Route.ALL);
                            }
                        }
                        return n;
                    });
            return CompletableFuture.completedFuture(a);
        }

        @Override
        public CompletionStage<Boolean> direct(DirectMessage message) {
            int n = 0;
            for (Member m : members) {
                if (m.inbound != null) {
                    n += m.inbound.onDirect(message);
                }
            }
            return CompletableFuture.completedFuture(n > 0);
        }

        // Every member already receives everything: interest needs no bookkeeping.
        @Override
        public CompletionStage<Void> watchChannel(String appId, String channel) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void unwatchChannel(String appId, String channel) {
        }

        @Override
        public CompletionStage<Void> watchPeer(String appId, String peerId) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void unwatchPeer(String appId, String peerId) {
        }

        @Override
        public CompletionStage<Void> watchAllChannels(String appId) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void unwatchAllChannels(String appId) {
        }
    }

    /** Presence of one channel over all members; guarded by itself. */
    private static final class Roster {
        /**
         * By peerId: the peer's roster entry while one connection holds it (most peers: no object
         * of its own, docs/performance.md "Idle connections"), a {@link Slot} counting them from
         * the second.
         */
        final Map<String, Object> peers = new HashMap<>();
        /** The members, encoded, in the order they joined: snapshots share it. */
        final PresenceRoster encoded = new PresenceRoster();
        /** Sequence number of the last delta decided here. */
        long seq;
        /** Emptied and dropped from the map: a joiner holding it must look the channel up again. */
        boolean released;
    }

    /** A peer on a channel through two connections or more. */
    private static final class Slot {
        final PresenceRoster.Member member;
        int connections;

        Slot(PresenceRoster.Member member, int connections) {
            this.member = member;
            this.connections = connections;
        }

        static PresenceRoster.Member memberOf(Object entry) {
            return entry instanceof Slot s ? s.member : (PresenceRoster.Member) entry;
        }
    }

    private final class Presence implements PresenceStore {
        @Override
        public CompletionStage<Snapshot> join(String appId, String channel, String peerId, RawJson metadata) {
            ChannelKey key = new ChannelKey(appId, channel);
            while (true) {
                Roster r = rosters.computeIfAbsent(key, k -> new Roster());
                synchronized (r) {
                    if (r.released) {
                        continue; // emptied meanwhile: join the channel's next roster
                    }
                    Object entry = r.peers.get(peerId);
                    if (entry == null) {
                        entry = r.encoded.add(peerId, metadata);
                        r.peers.put(peerId, entry);
                        broadcast(appId, channel, r, true, peerId, metadata);
                    } else if (entry instanceof Slot slot) {
                        slot.connections++;
                    } else {
                        entry = new Slot((PresenceRoster.Member) entry, 2);
                        r.peers.put(peerId, entry);
                    }
                    return CompletableFuture.completedFuture(new Snapshot(r.encoded.members(Slot.memberOf(entry)), r.seq));
                }
            }
        }

        @Override
        public CompletionStage<Void> leave(String appId, String channel, String peerId) {
            ChannelKey key = new ChannelKey(appId, channel);
            Roster r = rosters.get(key);
            if (r != null) {
                synchronized (r) {
                    Object entry = r.released ? null : r.peers.get(peerId);
                    if (entry instanceof Slot slot) {
                        if (--slot.connections == 1) {
                            r.peers.put(peerId, slot.member); // one connection left: no slot
                        }
                    } else if (entry != null) {
                        r.peers.remove(peerId);
                        r.encoded.remove((PresenceRoster.Member) entry);
                        broadcast(appId, channel, r, false, peerId, null);
                        if (r.peers.isEmpty()) {
                            r.released = true;
                            rosters.remove(key, r);
                        }
                    }
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Snapshot> snapshot(String appId, String channel) {
            Roster r = rosters.get(new ChannelKey(appId, channel));
            if (r != null) {
                synchronized (r) {
                    if (!r.released) {
                        return CompletableFuture.completedFuture(new Snapshot(r.encoded.members(), r.seq));
                    }
                }
            }
            // Nobody there: every delta decided so far is reflected, every later one is newer.
            return CompletableFuture.completedFuture(new Snapshot(PresenceMembers.NONE, presenceSeq.get()));
        }

        /** Under the roster lock, so every member sees the channel's deltas in the order decided. */
        private void broadcast(String appId, String channel, Roster r, boolean joined, String peerId,
                               RawJson metadata) {
            r.seq = presenceSeq.incrementAndGet();
            PresenceDelta delta = new PresenceDelta(r.seq, joined, peerId, metadata);
            for (Member m : members) {
                if (m.inbound != null) {
                    m.inbound.onPresence(appId, channel, delta);
                }
            }
        }
    }

    private final class Control implements ControlChannel {
        @Override
        public CompletionStage<Integer> kick(String appId, String peerId) {
            int closed = 0;
            for (Member m : members) {
                if (m.inbound != null) {
                    closed += m.inbound.onKick(appId, peerId);
                }
            }
            return CompletableFuture.completedFuture(closed);
        }
    }
}

package ca.metered.realtime.server.cluster;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory backplane: every node that joins it (one, by default; several in tests) is
 * reached by direct calls. Everything is handed over synchronously, so a publish is "taken by
 * the backplane" as soon as the call returns, and presence decisions with their deltas happen
 * under one lock per channel.
 *
 * <p>Thread-safe.
 */
public final class InMemoryCluster {
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final InMemoryUsageStore usage;
    private final Map<String, Roster> rosters = new ConcurrentHashMap<>();

    public InMemoryCluster(Clock clock) {
        this.usage = new InMemoryUsageStore(clock);
    }

    /** Adds a node and returns the seams it should use. */
    public Backplane join(String nodeId) {
        Member me = new Member(nodeId);
        members.add(me);
        return new Backplane(new MemberBroker(me), new Presence(), new Control(), usage);
    }

    private static final class Member {
        final String nodeId;
        volatile Broker.Inbound inbound;

        Member(String nodeId) {
            this.nodeId = nodeId;
        }
    }

    private final class MemberBroker implements Broker {
        private final Member me;

        MemberBroker(Member me) {
            this.me = me;
        }

        @Override
        public void start(Inbound inbound) {
            me.inbound = inbound;
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

        @Override
        public void close() {
            members.remove(me);
        }
    }

    /** Presence of one channel over all members; guarded by itself. */
    private static final class Roster {
        final Map<String, Slot> peers = new LinkedHashMap<>();
        long seq;

        List<PresenceEntry> entries() {
            List<PresenceEntry> out = new ArrayList<>(peers.size());
            peers.forEach((id, slot) -> out.add(new PresenceEntry(id, slot.metadata)));
            return out;
        }
    }

    private static final class Slot {
        final RawJson metadata;
        int connections;

        Slot(RawJson metadata) {
            this.metadata = metadata;
        }
    }

    private final class Presence implements PresenceStore {
        private Roster roster(String appId, String channel) {
            return rosters.computeIfAbsent(appId + '\n' + channel, k -> new Roster());
        }

        @Override
        public CompletionStage<Snapshot> join(String appId, String channel, String peerId, RawJson metadata) {
            Roster r = roster(appId, channel);
            synchronized (r) {
                Slot slot = r.peers.computeIfAbsent(peerId, id -> new Slot(metadata));
                if (slot.connections++ == 0) {
                    broadcast(appId, channel, new PresenceDelta(++r.seq, true, peerId, metadata));
                }
                return CompletableFuture.completedFuture(new Snapshot(r.entries(), r.seq));
            }
        }

        @Override
        public CompletionStage<Void> leave(String appId, String channel, String peerId) {
            Roster r = roster(appId, channel);
            synchronized (r) {
                Slot slot = r.peers.get(peerId);
                if (slot != null && --slot.connections <= 0) {
                    r.peers.remove(peerId);
                    broadcast(appId, channel, new PresenceDelta(++r.seq, false, peerId, null));
                }
                return CompletableFuture.completedFuture(null);
            }
        }

        @Override
        public CompletionStage<Snapshot> snapshot(String appId, String channel) {
            Roster r = rosters.get(appId + '\n' + channel);
            if (r == null) {
                return CompletableFuture.completedFuture(new Snapshot(List.of(), 0));
            }
            synchronized (r) {
                return CompletableFuture.completedFuture(new Snapshot(r.entries(), r.seq));
            }
        }

        /** Under the roster lock, so every member sees the deltas in the order decided. */
        private void broadcast(String appId, String channel, PresenceDelta delta) {
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

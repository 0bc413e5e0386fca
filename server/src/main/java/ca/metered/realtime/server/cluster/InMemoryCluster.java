package ca.metered.realtime.server.cluster;

import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.hub.AppHub;
import ca.metered.realtime.server.hub.Hub;
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
 * The in-memory backplane: every node that joins it (one, by default; several in tests) sees
 * the others' hubs directly. Publications and directs are handed over synchronously, so a
 * publish is "taken by the backplane" as soon as the call returns.
 *
 * <p>Thread-safe.
 */
public final class InMemoryCluster {
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final InMemoryUsageStore usage;

    public InMemoryCluster(Clock clock) {
        this.usage = new InMemoryUsageStore(clock);
    }

    /** Adds a node and returns the seams it should use. */
    public Backplane join(String nodeId, Hub hub) {
        Member me = new Member(nodeId, hub);
        members.add(me);
        return new Backplane(new MemberBroker(me), new Presence(), new Control(), usage);
    }

    private final class Member {
        final String nodeId;
        final Hub hub;
        volatile Broker.Inbound inbound;

        Member(String nodeId, Hub hub) {
            this.nodeId = nodeId;
            this.hub = hub;
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
        public CompletionStage<Void> publish(Publication publication) {
            for (Member m : members) {
                if (m != me && m.inbound != null) {
                    m.inbound.onPublication(publication);
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> direct(DirectMessage message) {
            for (Member m : members) {
                if (m != me && m.inbound != null) {
                    m.inbound.onDirect(message);
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            members.remove(me);
        }
    }

    private final class Presence implements PresenceStore {
        @Override
        public CompletionStage<Boolean> isOnline(String appId, String peerId) {
            for (Member m : members) {
                AppHub app = m.hub.app(appId);
                if (app != null && app.connectionsOf(peerId) > 0) {
                    return CompletableFuture.completedFuture(true);
                }
            }
            return CompletableFuture.completedFuture(false);
        }

        @Override
        public CompletionStage<List<PresenceEntry>> members(String appId, String channel) {
            Map<String, PresenceEntry> byPeer = new LinkedHashMap<>();
            for (Member m : members) {
                AppHub app = m.hub.app(appId);
                if (app != null) {
                    app.members(channel).forEach(e -> byPeer.putIfAbsent(e.peerId(), e));
                }
            }
            return CompletableFuture.completedFuture(new ArrayList<>(byPeer.values()));
        }
    }

    private final class Control implements ControlChannel {
        @Override
        public CompletionStage<Integer> kick(String appId, String peerId) {
            int closed = 0;
            for (Member m : members) {
                AppHub app = m.hub.app(appId);
                if (app != null) {
                    closed += app.closePeer(peerId, 4020, "admin disconnect");
                }
            }
            return CompletableFuture.completedFuture(closed);
        }
    }

    /** Usage counters shared by every member; the period is the UTC calendar month. */
    static final class InMemoryUsageStore implements UsageStore {
        private final Clock clock;
        private final Map<String, Counters> apps = new ConcurrentHashMap<>();

        InMemoryUsageStore(Clock clock) {
            this.clock = clock;
        }

        @Override
        public boolean tryOpenConnection(String appId, int max) {
            Counters c = counters(appId);
            synchronized (c) {
                if (c.concurrent >= max) {
                    return false;
                }
                c.concurrent++;
                c.peak = Math.max(c.peak, c.concurrent);
                return true;
            }
        }

        @Override
        public void closeConnection(String appId) {
            Counters c = counters(appId);
            synchronized (c) {
                c.concurrent = Math.max(0, c.concurrent - 1);
            }
        }

        @Override
        public boolean countMessage(String appId, long max) {
            Counters c = counters(appId);
            synchronized (c) {
                c.rollPeriod(UsagePeriod.containing(clock.instant()));
                c.messages++;
                return max <= 0 || c.messages <= max;
            }
        }

        @Override
        public Usage usage(String appId) {
            Counters c = counters(appId);
            synchronized (c) {
                UsagePeriod p = UsagePeriod.containing(clock.instant());
                c.rollPeriod(p);
                return new Usage(p.startUnix(), p.endUnix(), c.concurrent, c.peak, c.messages);
            }
        }

        private Counters counters(String appId) {
            return apps.computeIfAbsent(appId, id -> new Counters());
        }

        private static final class Counters {
            long concurrent;
            long peak;
            long messages;
            UsagePeriod period;

            void rollPeriod(UsagePeriod now) {
                if (!now.equals(period)) {
                    period = now;
                    messages = 0;
                    peak = concurrent;
                }
            }
        }
    }
}

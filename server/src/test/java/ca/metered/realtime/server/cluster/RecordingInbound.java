package ca.metered.realtime.server.cluster;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/** Records what a backplane hands a node; "hosts" peers so directs and kicks find them. Thread-safe. */
final class RecordingInbound implements Broker.Inbound {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Publication> publications = new CopyOnWriteArrayList<>();
    final List<Broker.Route> routes = new CopyOnWriteArrayList<>();
    final List<PresenceDelta> deltas = new CopyOnWriteArrayList<>();
    final Set<String> hosted = ConcurrentHashMap.newKeySet();

    @Override
    public int onPublication(Publication p, Broker.Route route) {
        publications.add(p);
        routes.add(route);
        events.add("message " + p.channel() + " " + p.data().json());
        return 1;
    }

    @Override
    public int onDirect(DirectMessage d) {
        if (!hosted.contains(d.to())) {
            return 0;
        }
        events.add("direct " + d.to() + " " + d.data().json());
        return 1;
    }

    @Override
    public void onPresence(String appId, String channel, PresenceDelta delta) {
        deltas.add(delta);
        events.add((delta.joined() ? "joined " : "left ") + channel + " " + delta.peerId());
    }

    @Override
    public int onKick(String appId, String peerId) {
        events.add("kick " + peerId);
        return hosted.contains(peerId) ? 1 : 0;
    }

    /** Waits (deadline 5 s) until {@code n} events were recorded. */
    List<String> await(int n) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (events.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " events, got " + events);
            }
            LockSupport.parkNanos(5_000_000); // polling with a deadline
        }
        return List.copyOf(events);
    }
}

package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.internal.EventHub;
import ca.metered.realtime.client.internal.LoopTimers;
import ca.metered.realtime.client.internal.Loggers;
import ca.metered.realtime.peer.PeerEvent;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.RemotePeerState;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The remote peers of the channel and the reconcile after a signalling reconnect (docs/sdk-behaviour.md 1.1, 5):
 * presence adds and removes peers (at most {@value #MAX_PEERS_PER_CHANNEL}); after a reconnect the
 * first presence is read as a full snapshot that keeps survivors (same {@link RemotePeer}, fresh
 * connection, metadata refreshed), removes departures and adds newcomers; no snapshot within
 * {@value #RECONCILE_DEADLINE_MS} ms re-issues the subscribe (twice), then gives up.
 *
 * <p>Loop-confined, except {@link #snapshot()}.
 */
final class Roster {
    static final int MAX_PEERS_PER_CHANNEL = 256;
    static final long RECONCILE_DEADLINE_MS = 10_000;
    static final int MAX_RECONCILE_RESUBSCRIBES = 2;

    /** What the roster needs from its MeteredPeer; called on the loop. */
    interface Host {
        /** Own peerId, {@code null} before the first welcome. */
        String localPeerId();

        /** A new remote peer with its first connection, or {@code null} (logged) when the stack cannot create one. */
        DefaultRemotePeer create(String peerId, JsonNode metadata);

        /** A fresh connection for a reconcile survivor. */
        Negotiator connectionFor(DefaultRemotePeer remote);

        /** Attaches the tracked local media to a new or swapped connection. */
        void attachMedia(DefaultRemotePeer remote);

        /** Whether the MeteredPeer is still reconciling (the user may close it from a listener). */
        boolean reconnecting();

        /** The reconcile is done; the MeteredPeer is joined again. */
        void reconciled();

        /** Re-issues the channel subscribe; {@code false} if that is not possible now (not connected). */
        boolean resubscribe(int attempt);

        /** No snapshot came despite the re-subscribes. */
        void reconcileTimedOut();
    }

    private final Host host;
    private final EventHub<PeerEvent> hub;
    private final LoopTimers timers;
    private final Logger logger;
    private final LinkedHashMap<String, DefaultRemotePeer> peers = new LinkedHashMap<>();
    private volatile List<RemotePeer> snapshot = List.of();
    private boolean reconcilePending;
    private LoopTimers.Timer deadline;
    private int resubscribes;

    Roster(Host host, EventHub<PeerEvent> hub, LoopTimers timers, Logger logger) {
        this.host = host;
        this.hub = hub;
        this.timers = timers;
        this.logger = logger;
    }

    /** The current peers; any thread. */
    List<RemotePeer> snapshot() {
        return snapshot;
    }

    DefaultRemotePeer get(String peerId) {
        return peers.get(peerId);
    }

    Collection<DefaultRemotePeer> all() {
        return peers.values();
    }

    boolean isEmpty() {
        return peers.isEmpty();
    }

    boolean reconcilePending() {
        return reconcilePending;
    }

    /** Applies a presence frame for the channel: the reconcile snapshot if one is pending, else a delta. */
    void presence(ClientEvent.Presence ev) {
        if (reconcilePending) {
            endReconcile();
            reconcile(ev.joined());
            return;
        }
        for (ClientEvent.PresencePeer p : ev.joined()) {
            add(p.peerId(), p.metadata());
        }
        for (ClientEvent.PresencePeer p : ev.left()) {
            remove(p.peerId());
        }
    }

    /** Adds a peer, fires {@code peer-joined}; ignored for self, a known peer, or beyond the cap. */
    void add(String peerId, JsonNode metadata) {
        String self = host.localPeerId();
        if (self == null || peerId.equals(self) || peers.containsKey(peerId)) {
            return;
        }
        if (peers.size() >= MAX_PEERS_PER_CHANNEL) {
            log("warn", "MeteredPeer: peer cap reached, dropping peer-joined",
                    Map.of("peerId", peerId, "cap", MAX_PEERS_PER_CHANNEL));
            return;
        }
        DefaultRemotePeer remote = host.create(peerId, metadata);
        if (remote == null) {
            return;
        }
        peers.put(peerId, remote);
        publish();
        host.attachMedia(remote); // before peer-joined: the offer carries the media
        hub.emit(new PeerEvent.PeerJoined(remote));
    }

    /** Closes a peer and fires {@code peer-left}. */
    void remove(String peerId) {
        DefaultRemotePeer remote = peers.remove(peerId);
        if (remote == null) {
            log("warn", "MeteredPeer: peer-left for unknown peerId", Map.of("peerId", peerId));
            return;
        }
        publish();
        remote.close();
        hub.emit(new PeerEvent.PeerLeft(remote));
    }

    void removeAll() {
        for (String id : new ArrayList<>(peers.keySet())) {
            remove(id);
        }
    }

    // ---------------------------------------------------------------- reconcile (docs/sdk-behaviour.md 5)

    /** The signalling socket dropped and will reconnect: every negotiated peer shows {@code RECONNECTING}. */
    void dropped() {
        endReconcile();
        reconcilePending = true;
        for (DefaultRemotePeer p : peers.values()) {
            RemotePeerState rs = p.state();
            // Idle peers never negotiated (data/presence only): forcing them would pin them (JS 1.1.0).
            if (rs != RemotePeerState.RECONNECTING && rs != RemotePeerState.CLOSED && rs != RemotePeerState.IDLE) {
                p.setState(RemotePeerState.RECONNECTING);
            }
        }
    }

    /**
     * The reconnect welcome arrived. With no peers there is nothing to reconcile: done at once
     * (JS 1.1.0: a server may omit an empty snapshot). Else wait for the snapshot, with a deadline.
     */
    void reconnected() {
        if (peers.isEmpty()) {
            endReconcile();
            host.reconciled();
            return;
        }
        reconcilePending = true;
        resubscribes = 0;
        armDeadline();
    }

    /** Stops any reconcile (close, terminal drop). */
    void endReconcile() {
        reconcilePending = false;
        LoopTimers.cancel(deadline);
        deadline = null;
    }

    private void reconcile(List<ClientEvent.PresencePeer> joined) {
        String self = host.localPeerId();
        Set<String> present = new HashSet<>();
        for (ClientEvent.PresencePeer p : joined) {
            if (!p.peerId().equals(self)) {
                present.add(p.peerId());
            }
        }
        for (String id : new ArrayList<>(peers.keySet())) {
            if (!host.reconnecting()) {
                return;
            }
            if (!present.contains(id)) {
                remove(id);
            }
        }
        for (ClientEvent.PresencePeer p : joined) {
            if (!host.reconnecting()) {
                return;
            }
            if (p.peerId().equals(self)) {
                continue;
            }
            DefaultRemotePeer existing = peers.get(p.peerId());
            try {
                if (existing != null) {
                    existing.setMetadata(p.metadata()); // refreshed before the swap, no event (docs/sdk-behaviour.md 1.2)
                    swap(existing);
                } else {
                    add(p.peerId(), p.metadata());
                }
            } catch (RuntimeException e) {
                // One failing peer must not stop the others (JS 1.0.3).
                log("warn", "reconcile peer swap failed", Map.of("peerId", p.peerId(), "err", String.valueOf(e.getMessage())));
            }
        }
        if (host.reconnecting()) {
            host.reconciled();
        }
    }

    private void swap(DefaultRemotePeer remote) {
        RemotePeerState rs = remote.state();
        if (rs != RemotePeerState.RECONNECTING && rs != RemotePeerState.CLOSED && rs != RemotePeerState.IDLE) {
            remote.setState(RemotePeerState.RECONNECTING);
        }
        remote.setConnection(host.connectionFor(remote));
        host.attachMedia(remote);
    }

    private void armDeadline() {
        LoopTimers.cancel(deadline);
        deadline = timers.schedule(RECONCILE_DEADLINE_MS, () -> {
            deadline = null;
            onDeadline();
        });
    }

    private void onDeadline() {
        if (!reconcilePending || !host.reconnecting()) {
            return;
        }
        if (resubscribes < MAX_RECONCILE_RESUBSCRIBES) {
            if (!host.resubscribe(resubscribes + 1)) {
                return;
            }
            resubscribes++;
            log("warn", "MeteredPeer: no presence snapshot after reconnect; re-issued subscribe",
                    Map.of("attempt", resubscribes));
            armDeadline();
        } else {
            host.reconcileTimedOut();
        }
    }

    private void publish() {
        snapshot = List.copyOf(peers.values());
    }

    private void log(String level, String msg, Map<String, Object> ctx) {
        Loggers.log(logger, level, msg, ctx);
    }
}

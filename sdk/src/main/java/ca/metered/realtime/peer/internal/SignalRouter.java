package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.internal.EventHub;
import ca.metered.realtime.client.internal.Loggers;
import ca.metered.realtime.peer.PeerEvent;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Routes what arrives over the signalling connection for a MeteredPeer (docs/sdk-behaviour.md 2.2): a direct
 * message is an RTC signal (to that sender's connection), a track-metadata update (to that sender's
 * cache) or application data; a channel message is a broadcast. Loop-confined.
 *
 * <p>Scope, as in JS 1.2.0: directs (signals and data alike) count only from peers in the
 * {@link Roster}; broadcasts on the joined channel count from any sender but ourselves, so a
 * publisher that never subscribed (or a REST publish) surfaces too. Seed 001 says {@code data}
 * fires only for senders seen in presence; the JS code applies that to directs only.
 */
final class SignalRouter {
    private final Roster roster;
    private final EventHub<PeerEvent> hub;
    private final Supplier<String> channel;
    private final Supplier<String> localPeerId;
    private final Logger logger;

    SignalRouter(Roster roster, EventHub<PeerEvent> hub, Supplier<String> channel, Supplier<String> localPeerId,
                 Logger logger) {
        this.roster = roster;
        this.hub = hub;
        this.channel = channel;
        this.localPeerId = localPeerId;
        this.logger = logger;
    }

    void direct(ClientEvent.Direct ev) {
        Signals.Inbound in = Signals.classify(ev.data());
        DefaultRemotePeer p = roster.get(ev.from());
        if (p == null) {
            // JS: no buffering of signals from unknown peers (presence normally comes first).
            Loggers.log(logger, "debug", "MeteredPeer: dropping direct from unknown peerId", Map.of("from", ev.from()));
            return;
        }
        if (in instanceof Signals.Description d) {
            p.connection().handleDescription(d.description());
        } else if (in instanceof Signals.Ice i) {
            p.connection().handleIce(i.candidate());
        } else if (in instanceof Signals.TrackMeta m) {
            p.setTrackMetadata(m.trackId(), m.metadata());
        } else {
            hub.emit(new PeerEvent.Data(ev.from(), ev.data(), PeerEvent.DataKind.DIRECT, ev.fromMetadata()));
        }
    }

    void message(ClientEvent.Message ev) {
        String ch = channel.get();
        if (ch == null || !ch.equals(ev.channel())) {
            return;
        }
        String self = localPeerId.get();
        if (self != null && ev.from().equals(self)) {
            return; // own broadcasts (a server may echo them) are not data
        }
        hub.emit(new PeerEvent.Data(ev.from(), ev.data(), PeerEvent.DataKind.BROADCAST, ev.fromMetadata()));
    }
}

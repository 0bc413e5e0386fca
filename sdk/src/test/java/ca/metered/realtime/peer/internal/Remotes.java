package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.internal.FakeScheduler;
import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.client.internal.LoopTimers;
import ca.metered.realtime.client.internal.RecordingLogger;
import ca.metered.realtime.client.internal.SerialExecutor;
import ca.metered.realtime.peer.rtc.IceTransportPolicy;
import ca.metered.realtime.peer.rtc.RtcConfiguration;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Remote peers on the fake RTC port, without a MeteredPeer: for testing {@link LocalMedia},
 * {@link Roster} and {@link SignalRouter} alone. Everything runs on the test thread.
 */
final class Remotes {
    record Signal(String to, JsonNode payload) {
    }

    final FakeRtc rtc = new FakeRtc();
    final FakeScheduler scheduler = new FakeScheduler();
    /** A trampolining loop on the test thread, like the peer's own loop over a direct executor. */
    final Executor direct = new SerialExecutor(Runnable::run, t -> {
        throw new AssertionError("loop task threw", t);
    });
    final LoopTimers timers = new LoopTimers(scheduler, direct);
    final List<Signal> signals = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    final Logger logger = new RecordingLogger(logs);
    String localPeerId = "m-local";
    List<IceServer> iceServers = List.of();

    CompletableFuture<Void> send(String to, Object payload) {
        signals.add(new Signal(to, Json.valueToTree(payload)));
        return CompletableFuture.completedFuture(null);
    }

    /** A remote peer with its first connection, as MeteredPeer's roster host builds one. */
    DefaultRemotePeer peer(String id, JsonNode metadata) {
        DefaultRemotePeer p = new DefaultRemotePeer(id, metadata, direct, direct, logger, data -> send(id, data));
        p.init(connectionFor(p));
        return p;
    }

    Negotiator connectionFor(DefaultRemotePeer p) {
        return new Negotiator(rtc, new RtcConfiguration(iceServers, IceTransportPolicy.ALL), p.id(), localPeerId.compareTo(p.id()) < 0, direct, timers,
                this::send, logger, p);
    }

    FakeRtc.FakePc pc(DefaultRemotePeer p) {
        return (FakeRtc.FakePc) p.peerConnection();
    }

    List<String> signalsTo(String to) {
        return signals.stream().filter(s -> s.to().equals(to)).map(s -> s.payload().toString()).toList();
    }

    /**
     * A {@link Roster.Host} whose peers are this fixture's; it records what the roster asks in
     * {@code calls}. {@code reconnecting} and {@code connected} steer the reconcile.
     */
    final class RosterHost implements Roster.Host {
        final List<String> calls = new ArrayList<>();
        /** How many events the test had seen, for ordering checks; set by the test. */
        java.util.function.IntSupplier eventsSoFar = () -> 0;
        boolean reconnecting;
        boolean connected = true;

        @Override
        public String localPeerId() {
            return localPeerId;
        }

        @Override
        public DefaultRemotePeer create(String peerId, JsonNode metadata) {
            return peer(peerId, metadata);
        }

        @Override
        public Negotiator connectionFor(DefaultRemotePeer remote) {
            return Remotes.this.connectionFor(remote);
        }

        @Override
        public void attachMedia(DefaultRemotePeer remote) {
            calls.add("attach " + remote.id() + " (" + eventsSoFar.getAsInt() + " events so far)");
        }

        @Override
        public boolean reconnecting() {
            return reconnecting;
        }

        @Override
        public void reconciled() {
            calls.add("reconciled");
            reconnecting = false;
        }

        @Override
        public boolean resubscribe(int attempt) {
            calls.add("resubscribe " + attempt);
            return connected;
        }

        @Override
        public void reconcileTimedOut() {
            calls.add("timed out");
        }
    }
}

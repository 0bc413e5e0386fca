package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.internal.FakeScheduler;
import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.client.internal.LoopTimers;
import ca.metered.realtime.client.internal.SerialExecutor;
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
    final Logger logger = new Logger() {
        @Override
        public void debug(String m, java.util.Map<String, Object> c) {
            logs.add("debug " + m);
        }

        @Override
        public void info(String m, java.util.Map<String, Object> c) {
            logs.add("info " + m);
        }

        @Override
        public void warn(String m, java.util.Map<String, Object> c) {
            logs.add("warn " + m);
        }

        @Override
        public void error(String m, java.util.Map<String, Object> c) {
            logs.add("error " + m);
        }
    };
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
        return new Negotiator(rtc, iceServers, p.id(), localPeerId.compareTo(p.id()) < 0, direct, timers,
                this::send, logger, p);
    }

    FakeRtc.FakePc pc(DefaultRemotePeer p) {
        return (FakeRtc.FakePc) p.peerConnection();
    }

    List<String> signalsTo(String to) {
        return signals.stream().filter(s -> s.to().equals(to)).map(s -> s.payload().toString()).toList();
    }
}

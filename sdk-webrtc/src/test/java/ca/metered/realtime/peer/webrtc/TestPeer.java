package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.it.RealServer;
import ca.metered.realtime.client.ReconnectOptions;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.peer.DataChannel;
import ca.metered.realtime.peer.DataChannelEvent;
import ca.metered.realtime.peer.DataChannelOptions;
import ca.metered.realtime.peer.MeteredPeer;
import ca.metered.realtime.peer.MeteredPeerOptions;
import ca.metered.realtime.peer.PeerEvent;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.RemotePeerEvent;
import ca.metered.realtime.peer.rtc.DataChannelState;
import ca.metered.realtime.peer.rtc.IceTransportPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A MeteredPeer on the real binding, following the documented data-channel pattern: it opens a
 * channel labelled with its own name to every remote peer at {@code peer-joined} and again at
 * {@code connection-reset}, and records everything (peer events, remote-peer events, channel
 * events of both the channels it opened and the ones opened to it).
 */
final class TestPeer implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    /** An event of a remote peer, tagged with the remote peer object it came from. */
    record Remote(RemotePeer peer, RemotePeerEvent event) {
    }

    /** A data-channel event: {@code outbound} for channels this peer opened. */
    record Dc(String remoteId, String label, boolean outbound, DataChannelEvent event) {
    }

    final String name;
    final MeteredPeer peer;
    final BlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
    final BlockingQueue<Remote> remoteEvents = new LinkedBlockingQueue<>();
    /** Every data-channel event so far, oldest first; waits search it without consuming. */
    final List<Dc> dcEvents = new CopyOnWriteArrayList<>();
    /** The latest channel this peer opened, per remote id. */
    final Map<String, DataChannel> outbound = new ConcurrentHashMap<>();
    /** The latest channel opened to this peer, per remote id. */
    final Map<String, DataChannel> inbound = new ConcurrentHashMap<>();
    private final boolean openChannels;

    private TestPeer(String name, MeteredPeer peer, boolean openChannels) {
        this.name = name;
        this.peer = peer;
        this.openChannels = openChannels;
        peer.on(PeerEvent.class, events::add);
        peer.on(PeerEvent.PeerJoined.class, e -> watch(e.peer()));
    }

    /** A peer with a stable id ({@code name}, through a JWT), reconnecting quickly after {@code firstRetry}. */
    static TestPeer jwt(RealServer server, WebRtcJavaBinding rtc, String name, Duration firstRetry,
                        boolean openChannels) {
        ReconnectOptions reconnect = ReconnectOptions.builder().initialDelay(firstRetry)
                .maxDelay(firstRetry.plusMillis(400)).unlimitedAttempts().build();
        SignallingClientOptions s = SignallingClientOptions.builder().url(server.url())
                .tokenProvider(TokenProvider.blocking(() -> server.mint(name))).reconnect(reconnect).build();
        return new TestPeer(name, MeteredPeer.create(MeteredPeerOptions.builder(s).rtcPeerConnectionFactory(rtc).build()),
                openChannels);
    }

    /**
     * A peer with a stable id ({@code name}, through a JWT) using {@code policy} for its ICE
     * candidates, its SDK diagnostics going to {@code logger}.
     */
    static TestPeer jwt(RealServer server, WebRtcJavaBinding rtc, String name, boolean openChannels,
                        IceTransportPolicy policy, Logger logger) {
        SignallingClientOptions s = SignallingClientOptions.builder().url(server.url()).logger(logger)
                .tokenProvider(TokenProvider.blocking(() -> server.mint(name))).build();
        return new TestPeer(name, MeteredPeer.create(MeteredPeerOptions.builder(s).rtcPeerConnectionFactory(rtc)
                .iceTransportPolicy(policy).build()), openChannels);
    }

    /** A peer on the publishable key (a random id per connection). */
    static TestPeer pk(RealServer server, WebRtcJavaBinding rtc, String name, boolean openChannels) {
        SignallingClientOptions s = SignallingClientOptions.builder().url(server.url()).apiKey(RealServer.PK).build();
        return new TestPeer(name, MeteredPeer.create(MeteredPeerOptions.builder(s).rtcPeerConnectionFactory(rtc).build()),
                openChannels);
    }

    private void watch(RemotePeer remote) {
        remote.on(RemotePeerEvent.class, e -> remoteEvents.add(new Remote(remote, e)));
        remote.on(RemotePeerEvent.DataChannelOpened.class, e -> {
            DataChannel dc = DataChannel.wrap(e.channel(), DataChannelOptions.DEFAULT);
            dc.on(DataChannelEvent.class, ev -> dcEvents.add(new Dc(remote.id(), dc.label(), false, ev)));
            // Published only once listening: senders wait for it (see awaitInbound).
            inbound.put(remote.id(), dc);
        });
        if (openChannels) {
            remote.on(RemotePeerEvent.ConnectionReset.class, e -> open(remote));
            open(remote);
        }
    }

    private void open(RemotePeer remote) {
        DataChannel dc = remote.createDataChannel(name);
        DataChannel old = outbound.put(remote.id(), dc);
        if (old != null) {
            old.close();
        }
        dc.on(DataChannelEvent.class, ev -> dcEvents.add(new Dc(remote.id(), dc.label(), true, ev)));
    }

    static <T> T next(BlockingQueue<T> q, Predicate<? super T> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T e = q.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no matching event within " + WAIT);
            }
            if (match.test(e)) {
                return e;
            }
        }
    }

    /** Waits until the current channel this peer opened to {@code remoteId} is open. */
    DataChannel awaitOutboundOpen(String remoteId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            DataChannel dc = outbound.get(remoteId);
            if (dc != null && dc.state() == DataChannelState.OPEN) {
                return dc;
            }
            Thread.sleep(10); // polling a condition with a deadline, not synchronising on time
        }
        throw new AssertionError(name + ": no open channel to " + remoteId + " within " + WAIT + "; saw " + dcEvents);
    }

    /**
     * Waits until a channel from {@code remoteId} other than {@code old} was opened to this peer
     * and is being listened to, so a test knows which wrapper object its messages will reach.
     */
    DataChannel awaitInbound(String remoteId, DataChannel old) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            DataChannel dc = inbound.get(remoteId);
            if (dc != null && dc != old) {
                return dc;
            }
            Thread.sleep(10); // polling a condition with a deadline, not synchronising on time
        }
        throw new AssertionError(name + ": no new channel from " + remoteId + " within " + WAIT);
    }

    /** Waits for a text message {@code text} from {@code remoteId} on any channel (seen before or later). */
    Dc awaitMessage(String remoteId, String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Dc d : dcEvents) {
                if (d.remoteId().equals(remoteId) && d.event() instanceof DataChannelEvent.Message m
                        && m.text().equals(text)) {
                    return d;
                }
            }
            Thread.sleep(10); // polling a condition with a deadline, not synchronising on time
        }
        throw new AssertionError(name + ": no message '" + text + "' from " + remoteId + " within " + WAIT);
    }

    RemotePeer remote(String id) {
        return peer.remotePeers().stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " does not see " + id));
    }

    @Override
    public void close() {
        peer.close();
    }
}

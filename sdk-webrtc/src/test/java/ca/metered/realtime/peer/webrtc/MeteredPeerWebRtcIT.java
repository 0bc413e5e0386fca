package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.client.it.RealServer;
import static ca.metered.realtime.peer.webrtc.TestPeer.next;
import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.peer.DataChannel;
import ca.metered.realtime.peer.PeerEvent;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.RemotePeerEvent;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Java MeteredPeers on real WebRTC (webrtc-java) through the real server, all in one JVM
 * inside a private network namespace (see {@link Netns}).
 */
class MeteredPeerWebRtcIT {
    private static WebRtcJavaBinding rtc;
    private RealServer server;

    @BeforeAll
    static void binding() {
        Netns.require();
        rtc = new WebRtcJavaBinding();
    }

    @AfterAll
    static void closeBinding() {
        if (rtc != null) {
            rtc.close();
        }
    }

    @BeforeEach
    void startServer() {
        server = RealServer.start(0);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoPeersOpenADataChannelAndExchangeMessagesBothWays() throws Exception {
        try (TestPeer alice = TestPeer.jwt(server, rtc, "alice", Duration.ofMillis(100), true);
             TestPeer bob = TestPeer.jwt(server, rtc, "bob", Duration.ofMillis(100), false)) {
            alice.peer.join("room").get(10, TimeUnit.SECONDS);
            bob.peer.join("room").get(10, TimeUnit.SECONDS);

            alice.awaitOutboundOpen("bob");
            bob.awaitInbound("alice", null);
            alice.outbound.get("bob").send("hello bob").get(5, TimeUnit.SECONDS);
            TestPeer.Dc got = bob.awaitMessage("alice", "hello bob");
            assertThat(got.outbound()).isFalse();
            assertThat(got.label()).isEqualTo("alice");

            DataChannel back = bob.inbound.get("alice");
            back.send("hello alice").get(5, TimeUnit.SECONDS);
            alice.awaitMessage("bob", "hello alice");
            back.send(new byte[] {1, 2, 3}).get(5, TimeUnit.SECONDS);

            assertThat(alice.remote("bob").state().name()).isEqualTo("CONNECTED");
            assertThat(bob.remote("alice").state().name()).isEqualTo("CONNECTED");
        }
    }

    @Test
    void aSyntheticVideoTrackWithMetadataArrivesAsStreamAddedWithThatMetadataAndCarriesFrames() throws Exception {
        CustomVideoSource source = new CustomVideoSource();
        MediaTrack camera = rtc.videoTrack("cam-alice-1", source);
        ScheduledExecutorService pump = Executors.newSingleThreadScheduledExecutor();
        pump.scheduleAtFixedRate(() -> pushFrame(source), 0, 33, TimeUnit.MILLISECONDS);
        try (TestPeer alice = TestPeer.jwt(server, rtc, "alice", Duration.ofMillis(100), false);
             TestPeer bob = TestPeer.jwt(server, rtc, "bob", Duration.ofMillis(100), false)) {
            alice.peer.addStream(MediaStream.of("stream-alice", List.of(camera)), Map.of("role", "camera", "n", 1));
            alice.peer.join("room").get(10, TimeUnit.SECONDS);
            bob.peer.join("room").get(10, TimeUnit.SECONDS);

            TestPeer.Remote track = next(bob.remoteEvents, r -> r.event() instanceof RemotePeerEvent.Track);
            RemotePeerEvent.Track t = (RemotePeerEvent.Track) track.event();
            assertThat(track.peer().id()).isEqualTo("alice");
            assertThat(t.track().id()).isEqualTo("cam-alice-1");
            assertThat(t.track().kind()).isEqualTo(MediaTrack.Kind.VIDEO);
            assertThat(t.metadata()).isNotNull();
            assertThat(t.metadata().get("role").asText()).isEqualTo("camera");

            TestPeer.Remote added = next(bob.remoteEvents, r -> r.event() instanceof RemotePeerEvent.StreamAdded);
            RemotePeerEvent.StreamAdded sa = (RemotePeerEvent.StreamAdded) added.event();
            assertThat(sa.stream().id()).isEqualTo("stream-alice");
            assertThat(sa.metadata().get("role").asText()).isEqualTo("camera");
            assertThat(sa.metadata().get("n").asInt()).isEqualTo(1);

            // Frames really flow: the remote track's sink sees decoded frames of the pushed size.
            CountDownLatch frames = new CountDownLatch(3);
            int[] size = new int[2];
            VideoTrack remote = t.track().unwrap(VideoTrack.class).orElseThrow();
            VideoTrackSink sink = frame -> {
                size[0] = frame.buffer.getWidth();
                size[1] = frame.buffer.getHeight();
                frames.countDown();
            };
            remote.addSink(sink);
            try {
                assertThat(frames.await(20, TimeUnit.SECONDS)).as("decoded frames on the receiver").isTrue();
                assertThat(size).containsExactly(320, 240);
            } finally {
                remote.removeSink(sink);
            }

            alice.peer.removeTrack(camera);
            TestPeer.Remote removed = next(bob.remoteEvents, r -> r.event() instanceof RemotePeerEvent.StreamRemoved);
            assertThat(((RemotePeerEvent.StreamRemoved) removed.event()).stream().id()).isEqualTo("stream-alice");
        } finally {
            pump.shutdownNow();
            pump.awaitTermination(5, TimeUnit.SECONDS);
            // Only after the connections are closed (the peers above): the recipe's dispose order.
            disposeQuietly(() -> camera.unwrap(VideoTrack.class).orElseThrow().dispose());
            disposeQuietly(source::dispose);
        }
    }

    @Test
    void afterAServerRestartThePeersReconcileAndTheReopenedDataChannelWorks() throws Exception {
        // Stable ids (JWT sub) so the peers can recognise each other after the restart. Alice comes
        // back first, so she sees Bob leave and rejoin (a new RemotePeer); Bob finds Alice in his
        // post-reconnect presence snapshot and keeps her RemotePeer: the reconcile path.
        try (TestPeer alice = TestPeer.jwt(server, rtc, "alice", Duration.ofMillis(100), true);
             TestPeer bob = TestPeer.jwt(server, rtc, "bob", Duration.ofMillis(1500), true)) {
            alice.peer.join("room").get(10, TimeUnit.SECONDS);
            bob.peer.join("room").get(10, TimeUnit.SECONDS);
            alice.awaitOutboundOpen("bob");
            bob.awaitOutboundOpen("alice");
            DataChannel bobFromAliceBefore = bob.awaitInbound("alice", null);
            DataChannel aliceFromBobBefore = alice.awaitInbound("bob", null);
            RemotePeer aliceSeenByBob = bob.remote("alice");
            DataChannel before = bob.outbound.get("alice");
            before.send("before").get(5, TimeUnit.SECONDS);
            alice.awaitMessage("bob", "before");
            bob.remoteEvents.clear();
            alice.dcEvents.clear();
            bob.dcEvents.clear();

            int port = server.port();
            server.close();
            server = RealServer.start(port);

            next(bob.events, e -> e instanceof PeerEvent.StateChange s && s.to().name().equals("RECONNECTING"));
            next(bob.events, e -> e instanceof PeerEvent.StateChange s && s.to().name().equals("JOINED"));
            TestPeer.Remote reset = next(bob.remoteEvents, r -> r.event() instanceof RemotePeerEvent.ConnectionReset);
            assertThat(reset.peer()).as("the same RemotePeer object survives").isSameAs(aliceSeenByBob);
            assertThat(bob.remote("alice")).isSameAs(aliceSeenByBob);
            assertThat(bob.events).noneMatch(e -> e instanceof PeerEvent.PeerLeft);

            // Alice saw Bob leave and come back as a new RemotePeer (she reconnected first).
            next(alice.events, e -> e instanceof PeerEvent.PeerJoined j && j.peer().id().equals("bob"));

            // The channels re-opened at connection-reset (Bob) and peer-joined (Alice) work both ways.
            bob.awaitOutboundOpen("alice");
            DataChannel after = bob.outbound.get("alice");
            assertThat(after).isNotSameAs(before);
            alice.awaitInbound("bob", aliceFromBobBefore);
            after.send("after restart").get(5, TimeUnit.SECONDS);
            alice.awaitMessage("bob", "after restart");
            alice.awaitOutboundOpen("bob");
            bob.awaitInbound("alice", bobFromAliceBefore);
            alice.outbound.get("bob").send("alice after restart").get(5, TimeUnit.SECONDS);
            bob.awaitMessage("alice", "alice after restart");
            assertThat(aliceSeenByBob.state().name()).isEqualTo("CONNECTED");
        }
    }

    /** Cleanup must not hide the test's own failure; libwebrtc may still hold a reference briefly. */
    private static void disposeQuietly(Runnable dispose) {
        try {
            dispose.run();
        } catch (Throwable e) {
            System.err.println("dispose: " + e);
        }
    }

    private static void pushFrame(CustomVideoSource source) {
        NativeI420Buffer buffer = NativeI420Buffer.allocate(320, 240);
        try {
            fill(buffer);
            VideoFrame frame = new VideoFrame(buffer, System.nanoTime());
            source.pushFrame(frame);
            frame.release();
        } catch (RuntimeException e) {
            buffer.release();
        }
    }

    private static void fill(NativeI420Buffer b) {
        var y = b.getDataY();
        for (int i = 0; i < y.capacity(); i++) {
            y.put(i, (byte) (i & 0xff));
        }
        var u = b.getDataU();
        var v = b.getDataV();
        for (int i = 0; i < u.capacity(); i++) {
            u.put(i, (byte) 128);
            v.put(i, (byte) 128);
        }
    }
}

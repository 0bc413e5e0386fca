package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.peer.DataChannel;
import ca.metered.realtime.peer.DataChannelEvent;
import ca.metered.realtime.peer.MeteredPeer;
import ca.metered.realtime.peer.MeteredPeerOptions;
import ca.metered.realtime.peer.PeerEvent;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.webrtc.WebRtcJavaBinding;
import ca.metered.realtime.server.RmsNode;
import ca.metered.realtime.server.config.ConfigLoader;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rms peer echo} as a real process, with the server and a Java MeteredPeer in this JVM,
 * all inside the private network namespace the Failsafe {@code <jvm>} wrapper made
 * ({@code scripts/netns/bin/java}); the rms process inherits it.
 */
class PeerEchoWebRtcIT {
    static final String YAML = """
            server:
              host: 127.0.0.1
              port: 0
            apps:
              - id: demo
                publishableKeys:
                  - key: pk_live_demo
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                    allowedOrigins: []
            """;

    @TempDir
    Path dir;

    @Test
    void echoesBroadcastsDirectsAndDataChannelMessagesBackToTheSender() throws Exception {
        NetworkInterface v0 = NetworkInterface.getByName("v0");
        assertThat(v0).as("inside the test network namespace (scripts/netns/bin/java; needs root)").isNotNull();
        RmsNode server = RmsNode.start(ConfigLoader.parse(YAML, Map.of()));
        try (RmsProcess echo = RmsProcess.start(dir, Map.of(), "peer", "echo", "--url", server.url(),
                "--key", "pk_live_demo", "--channel", "echo-room");
             WebRtcJavaBinding rtc = new WebRtcJavaBinding()) {
            String joined = echo.awaitLine(l -> l.startsWith("rms peer echo: joined echo-room as "));
            String echoId = joined.split(" as ")[1].split(" ")[0];

            SignallingClientOptions s = SignallingClientOptions.builder().url(server.url()).apiKey("pk_live_demo").build();
            BlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
            try (MeteredPeer me = MeteredPeer.create(MeteredPeerOptions.builder(s).rtcPeerConnectionFactory(rtc).build())) {
                me.on(PeerEvent.class, events::add);
                me.join("echo-room").get(10, TimeUnit.SECONDS);
                RemotePeer remote = ((PeerEvent.PeerJoined) next(events, e -> e instanceof PeerEvent.PeerJoined j
                        && j.peer().id().equals(echoId))).peer();

                me.send(Map.of("kind", "broadcast", "n", 1)).get(5, TimeUnit.SECONDS);
                PeerEvent.Data b = (PeerEvent.Data) next(events, e -> e instanceof PeerEvent.Data);
                assertThat(b.senderPeerId()).isEqualTo(echoId);
                assertThat(b.kind()).isEqualTo(PeerEvent.DataKind.DIRECT);
                assertThat(b.data().get("kind").asText()).isEqualTo("broadcast");

                remote.send(Map.of("kind", "direct", "n", 2)).get(5, TimeUnit.SECONDS);
                PeerEvent.Data d = (PeerEvent.Data) next(events, e -> e instanceof PeerEvent.Data);
                assertThat(d.data().get("kind").asText()).isEqualTo("direct");
                assertThat(d.data().get("n").asInt()).isEqualTo(2);

                BlockingQueue<DataChannelEvent> dcEvents = new LinkedBlockingQueue<>();
                DataChannel dc = remote.createDataChannel("probe");
                dc.on(DataChannelEvent.class, dcEvents::add);
                next(dcEvents, e -> e instanceof DataChannelEvent.Open);
                dc.send("ping over webrtc").get(5, TimeUnit.SECONDS);
                DataChannelEvent.Message text = (DataChannelEvent.Message) next(dcEvents, e -> e instanceof DataChannelEvent.Message);
                assertThat(text.binary()).isFalse();
                assertThat(text.text()).isEqualTo("ping over webrtc");
                dc.send(new byte[] {7, 8, 9}).get(5, TimeUnit.SECONDS);
                DataChannelEvent.Message bin = (DataChannelEvent.Message) next(dcEvents, e -> e instanceof DataChannelEvent.Message);
                assertThat(bin.binary()).isTrue();
                assertThat(bin.bytes()).containsExactly(7, 8, 9);
                echo.awaitLine(l -> l.startsWith("data-channel "));
            }
            echo.process.destroy(); // SIGTERM
            assertThat(echo.awaitExit()).isZero();
        } finally {
            server.stop();
        }
    }

    private static <T> T next(BlockingQueue<T> q, Predicate<? super T> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            T e = q.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no matching event within 20 s");
            }
            if (match.test(e)) {
                return e;
            }
        }
    }
}

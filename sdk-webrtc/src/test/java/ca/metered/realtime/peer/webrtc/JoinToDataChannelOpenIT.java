package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.client.it.RealServer;
import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.peer.DataChannel;
import ca.metered.realtime.peer.DataChannelEvent;
import ca.metered.realtime.peer.MeteredPeer;
import ca.metered.realtime.peer.MeteredPeerOptions;
import ca.metered.realtime.peer.PeerEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Measures, not asserts, how long a second local Java peer takes from {@code join()} to an open
 * data channel with the first one (both on one binding, through the in-process server, inside the
 * test namespace). Prints every run and the median; docs/sdk-java.md quotes it. Run alone with
 * {@code mvn -B verify -pl sdk-webrtc -am -Dit.test=JoinToDataChannelOpenIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class JoinToDataChannelOpenIT {
    private static final int WARMUP = 2;
    private static final int RUNS = 9;

    @Test
    void measuresJoinToDataChannelOpen() throws Exception {
        Netns.require();
        List<Double> ms = new ArrayList<>();
        try (WebRtcJavaBinding rtc = new WebRtcJavaBinding(); RealServer server = RealServer.start(0)) {
            for (int i = 0; i < WARMUP + RUNS; i++) {
                double t = once(rtc, server, "bench-" + i);
                if (i >= WARMUP) {
                    ms.add(t);
                }
            }
        }
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        double median = sorted.get(sorted.size() / 2);
        System.out.printf("join-to-data-channel-open (ms), %d runs after %d warm-up: %s; median %.1f%n",
                RUNS, WARMUP, ms.stream().map(v -> String.format("%.1f", v)).toList(), median);
        assertThat(median).isPositive();
    }

    private static double once(WebRtcJavaBinding rtc, RealServer server, String channel) throws Exception {
        SignallingClientOptions s = SignallingClientOptions.builder().url(server.url()).apiKey(RealServer.PK).build();
        try (MeteredPeer first = MeteredPeer.create(MeteredPeerOptions.builder(s).rtcPeerConnectionFactory(rtc).build());
             MeteredPeer second = MeteredPeer.create(MeteredPeerOptions.builder(s).rtcPeerConnectionFactory(rtc).build())) {
            first.join(channel).get(10, TimeUnit.SECONDS);
            CompletableFuture<Long> open = new CompletableFuture<>();
            second.on(PeerEvent.PeerJoined.class, e -> {
                DataChannel dc = e.peer().createDataChannel("bench");
                dc.on(DataChannelEvent.Open.class, o -> open.complete(System.nanoTime()));
            });
            long t0 = System.nanoTime();
            second.join(channel).get(10, TimeUnit.SECONDS);
            return (open.get(20, TimeUnit.SECONDS) - t0) / 1e6;
        }
    }
}

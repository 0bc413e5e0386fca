package ca.metered.realtime.peer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.peer.PeerErrorCodes;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.RemotePeerEvent;
import ca.metered.realtime.peer.RemotePeerState;
import ca.metered.realtime.peer.rtc.IceConnectionState;
import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.PeerConnectionState;
import ca.metered.realtime.peer.rtc.SignalingState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NegotiationTest {
    final FakeRtc.Track cam = new FakeRtc.Track("cam", MediaTrack.Kind.VIDEO);

    @Test
    void politenessFollowsPeerIdOrder() {
        PeerHarness h = new PeerHarness("m-local");
        h.joined("room", "z1", "a1");
        assertThat(h.remote("z1").polite()).isTrue();   // "m-local" < "z1"
        assertThat(h.remote("a1").polite()).isFalse();  // "m-local" > "a1"
    }

    @Test
    void mediaAddedBeforeJoinRidesInTheFirstOfferAfterItsMetadata() {
        PeerHarness h = new PeerHarness();
        h.peer.addStream(FakeRtc.stream("s1", cam), Map.of("role", "camera"));
        h.joined("room", "z1");

        List<FakeClient.Sent> toZ = h.client.directs.stream().filter(s -> s.to().equals("z1")).toList();
        assertThat(toZ).extracting(s -> s.data().toString()).containsExactly(
                "{\"__meteredTrackMeta\":{\"trackId\":\"cam\",\"metadata\":{\"role\":\"camera\"}}}",
                "{\"type\":\"rtc-description\",\"description\":{\"type\":\"offer\",\"sdp\":\"v=0 offer0.1\"}}");
        assertThat(h.rtc.last().ops).containsExactly("addTrack:cam[s1]", "createOffer", "setLocal:offer");
        assertThat(h.rtc.last().configuration.iceServers()).hasSize(1); // TURN from the welcome
    }

    @Test
    void localIceCandidatesAreForwardedInTheJsWireShape() {
        PeerHarness h = new PeerHarness();
        h.joined("room", "z1");
        FakeRtc.FakePc pc = h.rtc.last();
        pc.observer.onIceCandidate(new ca.metered.realtime.peer.rtc.IceCandidate("candidate:1 1 udp 1 10.0.0.1 5000 typ host", "0", 0, "uf"));
        pc.observer.onIceCandidate(null);
        assertThat(h.client.sentTo("z1", "rtc-ice")).extracting(Object::toString).containsExactly(
                "{\"type\":\"rtc-ice\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 10.0.0.1 5000 typ host\","
                        + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"uf\"}}",
                "{\"type\":\"rtc-ice\",\"candidate\":null}");
    }

    @Test
    void politeSideRollsBackExplicitlyOnGlareAndAnswers() {
        PeerHarness h = new PeerHarness("m-local");
        h.peer.addTrack(cam, null, null);
        h.joined("room", "z1"); // we are polite and have an outstanding offer
        FakeRtc.FakePc pc = h.rtc.last();
        assertThat(pc.signaling).isEqualTo(SignalingState.HAVE_LOCAL_OFFER);

        h.remoteOffer("z1", "v=0 remote");

        assertThat(pc.ops).containsExactly("addTrack:cam[]", "createOffer", "setLocal:offer",
                "setLocal:rollback", "setRemote:offer", "createAnswer", "setLocal:answer");
        assertThat(h.client.sentTo("z1", "rtc-description")).last()
                .hasToString("{\"type\":\"rtc-description\",\"description\":{\"type\":\"answer\",\"sdp\":\"v=0 answer0\"}}");
        assertThat(pc.signaling).isEqualTo(SignalingState.STABLE);
    }

    @Test
    void impoliteSideIgnoresACollidingOfferAndItsCandidateErrors() {
        PeerHarness h = new PeerHarness("m-local");
        h.peer.addTrack(cam, null, null);
        h.joined("room", "a1"); // we are impolite
        RemotePeer a1 = h.remote("a1");
        List<RemotePeerEvent> ev = h.record(a1);
        FakeRtc.FakePc pc = h.rtc.last();

        h.remoteOffer("a1", "v=0 colliding");
        pc.failNextAddIce = true;
        h.direct("a1", Map.of("type", "rtc-ice", "candidate", Map.of("candidate", "candidate:x", "sdpMid", "0")));

        assertThat(pc.ops).doesNotContain("setRemote:offer", "setLocal:rollback");
        assertThat(ev).noneMatch(e -> e instanceof RemotePeerEvent.IceCandidateError);
        h.remoteAnswer("a1", "v=0 their answer");
        assertThat(pc.signaling).isEqualTo(SignalingState.STABLE);
    }

    @Test
    void glareResolvesFromBothSidesIntoOneAgreedOffer() {
        // Two SDK instances wired back to back through their fake clients.
        PeerHarness low = new PeerHarness("a-peer");   // polite towards b
        PeerHarness high = new PeerHarness("b-peer");  // impolite towards a
        low.peer.addTrack(new FakeRtc.Track("ta", MediaTrack.Kind.AUDIO), null, null);
        high.peer.addTrack(new FakeRtc.Track("tb", MediaTrack.Kind.AUDIO), null, null);
        low.joined("room", "b-peer");
        high.joined("room", "a-peer");
        // Both made an offer: glare. Deliver each side's directs to the other.
        relay(low, high, "a-peer");
        relay(high, low, "b-peer");
        relay(low, high, "a-peer");
        relay(high, low, "b-peer");
        FakeRtc.FakePc a = low.rtc.last();
        FakeRtc.FakePc b = high.rtc.last();
        assertThat(a.ops).contains("setLocal:rollback", "setRemote:offer", "setLocal:answer");
        assertThat(b.ops).doesNotContain("setLocal:rollback").contains("setRemote:answer");
        assertThat(a.signaling).isEqualTo(SignalingState.STABLE);
        assertThat(b.signaling).isIn(SignalingState.STABLE, SignalingState.HAVE_LOCAL_OFFER);
    }

    private final Map<FakeClient, Integer> relayed = new HashMap<>();

    private void relay(PeerHarness from, PeerHarness to, String fromId) {
        int start = relayed.getOrDefault(from.client, 0);
        List<FakeClient.Sent> all = List.copyOf(from.client.directs);
        relayed.put(from.client, all.size());
        for (FakeClient.Sent s : all.subList(start, all.size())) {
            to.direct(fromId, s.data());
        }
    }

    @Test
    void earlyCandidatesWaitForThePendingRemoteDescription() {
        PeerHarness h = new PeerHarness();
        h.joined("room", "z1");
        FakeRtc.FakePc pc = h.rtc.last();
        pc.holdNextRemote = true;

        h.remoteOffer("z1", "v=0 remote");
        h.direct("z1", Map.of("type", "rtc-ice", "candidate", Map.of("candidate", "candidate:early")));
        assertThat(pc.ops).containsExactly("setRemote:offer");

        pc.heldRemote.complete(null);
        assertThat(pc.ops).containsExactly("setRemote:offer", "createAnswer", "setLocal:answer", "addIce:candidate:early");
    }

    @Test
    void addTrackAndRemoveTrackAfterJoinRenegotiate() {
        PeerHarness h = new PeerHarness();
        h.joined("room", "z1");
        FakeRtc.FakePc pc = h.rtc.last();
        h.peer.addTrack(cam, FakeRtc.stream("s1", cam), Map.of("role", "camera"));
        assertThat(pc.ops).containsExactly("addTrack:cam[s1]", "createOffer", "setLocal:offer");
        h.remoteAnswer("z1", "v=0 a");

        h.peer.removeTrack(cam);
        assertThat(pc.ops).endsWith("removeTrack:cam", "createOffer", "setLocal:offer");
        assertThat(h.client.sentTo("z1", Signals.TRACK_META_KEY)).extracting(Object::toString).containsExactly(
                "{\"__meteredTrackMeta\":{\"trackId\":\"cam\",\"metadata\":{\"role\":\"camera\"}}}",
                "{\"__meteredTrackMeta\":{\"trackId\":\"cam\"}}");
    }

    @Test
    void renegotiationNeededWhileNotStableIsDeferredUntilStable() {
        PeerHarness h = new PeerHarness();
        h.peer.addTrack(cam, null, null);
        h.joined("room", "z1");
        FakeRtc.FakePc pc = h.rtc.last();
        h.peer.addTrack(new FakeRtc.Track("mic", MediaTrack.Kind.AUDIO), null, null); // have-local-offer: deferred
        assertThat(pc.count("createOffer")).isEqualTo(1);
        h.remoteAnswer("z1", "v=0 a");
        assertThat(pc.count("createOffer")).isEqualTo(2);
    }

    @Test
    void inboundCandidatesAreCappedPerGenerationAndOversizedOnesDropped() {
        PeerHarness h = new PeerHarness();
        h.joined("room", "z1");
        h.remoteOffer("z1", "v=0 r");
        for (int i = 0; i < 205; i++) {
            h.direct("z1", Map.of("type", "rtc-ice", "candidate", Map.of("candidate", "candidate:" + i)));
        }
        h.direct("z1", Map.of("type", "rtc-ice", "candidate", Map.of("candidate", "x".repeat(1001))));
        FakeRtc.FakePc pc = h.rtc.last();
        assertThat(pc.ops.stream().filter(o -> o.startsWith("addIce:"))).hasSize(200);
        assertThat(h.logs).containsOnlyOnce("warn inbound ICE candidate cap reached");
        assertThat(h.logs).contains("warn dropping oversized inbound ICE candidate");
        // A new remote description opens a new generation.
        h.remoteOffer("z1", "v=0 r2");
        h.direct("z1", Map.of("type", "rtc-ice", "candidate", Map.of("candidate", "candidate:new")));
        assertThat(pc.ops).last().isEqualTo("addIce:candidate:new");
    }

    @Test
    void remoteTracksSurfaceWithMetadataAndStreamAccounting() {
        PeerHarness h = new PeerHarness();
        h.joined("room", "z1");
        RemotePeer z1 = h.remote("z1");
        List<RemotePeerEvent> ev = h.record(z1);
        h.direct("z1", Map.of(Signals.TRACK_META_KEY, Map.of("trackId", "rcam", "metadata", Map.of("role", "camera"))));
        FakeRtc.Track rcam = new FakeRtc.Track("rcam", MediaTrack.Kind.VIDEO);
        FakeRtc.Track rmic = new FakeRtc.Track("rmic", MediaTrack.Kind.AUDIO);
        var rs = FakeRtc.stream("rs", rcam, rmic);
        FakeRtc.FakePc pc = h.rtc.last();
        pc.observer.onTrack(rcam, List.of(rs));
        pc.observer.onTrack(rmic, List.of(rs));
        pc.observer.onRemoveTrack(rcam);
        pc.observer.onRemoveTrack(rmic);

        assertThat(ev).extracting(RemotePeerEvent::eventName)
                .containsExactly("track", "stream-added", "track", "stream-removed");
        var track = (RemotePeerEvent.Track) ev.get(0);
        assertThat(track.metadata().get("role").asText()).isEqualTo("camera");
        assertThat(((RemotePeerEvent.StreamAdded) ev.get(1)).metadata().get("role").asText()).isEqualTo("camera");
        assertThat(((RemotePeerEvent.Track) ev.get(2)).metadata()).isNull();
    }

    @Test
    void trackMetadataCacheEvictsTheOldestBeyond512() {
        PeerHarness h = new PeerHarness();
        h.joined("room", "z1");
        for (int i = 0; i < 513; i++) {
            h.direct("z1", Map.of(Signals.TRACK_META_KEY, Map.of("trackId", "t" + i, "metadata", Map.of("n", i))));
        }
        DefaultRemotePeer z1 = h.peer.peer("z1");
        assertThat(z1.trackMetadataSize()).isEqualTo(512);
        assertThat(z1.trackMetadata("t0")).isNull();
        assertThat(z1.trackMetadata("t1")).isNotNull();
        // In-place update does not evict; a clear removes.
        h.direct("z1", Map.of(Signals.TRACK_META_KEY, Map.of("trackId", "t1", "metadata", Map.of("n", -1))));
        assertThat(z1.trackMetadata("t2")).isNotNull();
        h.direct("z1", Map.of(Signals.TRACK_META_KEY, Map.of("trackId", "t1")));
        assertThat(z1.trackMetadataSize()).isEqualTo(511);
    }

    @Test
    void iceRestartLadderFollowsTheExactScheduleAndGivesUpOnce() {
        PeerHarness h = new PeerHarness();
        h.peer.addTrack(cam, null, null);
        h.joined("room", "z1");
        h.remoteAnswer("z1", "v=0 a");
        RemotePeer z1 = h.remote("z1");
        List<RemotePeerEvent> ev = h.record(z1);
        FakeRtc.FakePc pc = h.rtc.last();

        long[] delays = {0, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
        for (int n = 0; n < delays.length; n++) {
            pc.iceState(IceConnectionState.CHECKING);
            pc.iceState(IceConnectionState.FAILED);
            if (delays[n] > 0) {
                h.scheduler.advance(delays[n] - 1);
                assertThat(pc.count("createOffer(iceRestart)")).as("attempt %d early", n + 1).isEqualTo(n);
                h.scheduler.advance(1);
            }
            assertThat(pc.count("createOffer(iceRestart)")).as("attempt %d", n + 1).isEqualTo(n + 1);
            h.remoteAnswer("z1", "v=0 restart answer " + n);
        }
        pc.iceState(IceConnectionState.CHECKING);
        pc.iceState(IceConnectionState.FAILED);
        h.scheduler.advance(120_000);
        pc.iceState(IceConnectionState.CHECKING);
        pc.iceState(IceConnectionState.FAILED);
        assertThat(pc.count("createOffer(iceRestart)")).isEqualTo(9);
        assertThat(ev).filteredOn(e -> e instanceof RemotePeerEvent.NegotiationError).singleElement()
                .satisfies(e -> assertThat(((RemotePeerEvent.NegotiationError) e).error().code())
                        .isEqualTo(PeerErrorCodes.ICE_RESTART_EXHAUSTED));

        // Connected resets the budget: the next failure restarts immediately.
        pc.connectionState(PeerConnectionState.CONNECTED);
        pc.iceState(IceConnectionState.CHECKING);
        pc.iceState(IceConnectionState.FAILED);
        assertThat(pc.count("createOffer(iceRestart)")).isEqualTo(10);
    }

    @Test
    void answerWatchdogAdvancesTheLadderAfter15Seconds() {
        PeerHarness h = new PeerHarness();
        h.peer.addTrack(cam, null, null);
        h.joined("room", "z1");
        h.remoteAnswer("z1", "v=0 a");
        FakeRtc.FakePc pc = h.rtc.last();
        pc.iceState(IceConnectionState.FAILED);
        assertThat(pc.count("createOffer(iceRestart)")).isEqualTo(1);

        h.scheduler.advance(14_999);
        assertThat(pc.count("createOffer(iceRestart)")).isEqualTo(1);
        h.scheduler.advance(1);      // watchdog: attempt 2 scheduled 1 s later
        h.scheduler.advance(999);
        assertThat(pc.count("createOffer(iceRestart)")).isEqualTo(1);
        h.scheduler.advance(1);
        assertThat(pc.count("createOffer(iceRestart)")).isEqualTo(2);

        // An answer in time disarms the watchdog.
        h.remoteAnswer("z1", "v=0 restart answer");
        h.scheduler.advance(60_000);
        assertThat(pc.count("createOffer(iceRestart)")).isEqualTo(2);
    }

    @Test
    void stateFollowsTheConnectionAndDataChannelOnlyPeersNegotiateOnCreate() {
        PeerHarness h = new PeerHarness();
        h.joined("room", "z1");
        RemotePeer z1 = h.remote("z1");
        assertThat(z1.state()).isEqualTo(RemotePeerState.IDLE);
        FakeRtc.FakePc pc = h.rtc.last();
        assertThat(pc.ops).isEmpty(); // no media, no data channel: nobody offers
        z1.createDataChannel("chat");
        assertThat(pc.ops).containsExactly("createDataChannel:chat", "createOffer", "setLocal:offer");
        pc.connectionState(PeerConnectionState.CONNECTING);
        pc.connectionState(PeerConnectionState.CONNECTED);
        assertThat(z1.state()).isEqualTo(RemotePeerState.CONNECTED);
    }
}

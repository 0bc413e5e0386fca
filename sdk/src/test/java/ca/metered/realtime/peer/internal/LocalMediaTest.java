package ca.metered.realtime.peer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.peer.MeteredPeerOversizedException;
import ca.metered.realtime.peer.MeteredPeerReplaceTrackException;
import ca.metered.realtime.peer.MeteredPeerStateException;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link LocalMedia} alone: the tracked set and its fan-out to remote peers on the fake RTC port. */
class LocalMediaTest {
    final Remotes r = new Remotes();
    int cap = 65_536;
    final LocalMedia media = new LocalMedia(r::send, () -> cap, r.logger);
    final FakeRtc.Track cam = new FakeRtc.Track("cam", MediaTrack.Kind.VIDEO);
    final FakeRtc.Track mic = new FakeRtc.Track("mic", MediaTrack.Kind.AUDIO);
    final FakeRtc.Track screen = new FakeRtc.Track("screen", MediaTrack.Kind.VIDEO);

    private static final String META = "__meteredTrackMeta";

    /** Fan-out runs on the peer loop in production; so here, where callbacks then queue behind it. */
    private void onLoop(Runnable r0) {
        r.direct.execute(r0);
    }

    @Test
    void addStreamWithATrackOfAnotherStreamThrowsAndAddsNothing() {
        MediaStream other = FakeRtc.stream("other", cam);
        media.track(cam, other, Map.of("role", "original"));
        MediaStream av = FakeRtc.stream("av", mic, cam, screen);
        // JS 1.2.0 throws track_already_attached here after adding the tracks before cam; we throw
        // before adding any, so the call has no half effect (seed 001's "original wins" is not what JS does).
        assertThatThrownBy(() -> media.trackStream(av, Map.of("role", "av")))
                .isInstanceOfSatisfying(MeteredPeerStateException.class,
                        e -> assertThat(e.code()).isEqualTo("track_already_attached"));
        assertThat(media.snapshot()).extracting(t -> t.track().id()).containsExactly("cam");
        assertThat(media.trackMetadata(cam).orElseThrow().get("role").asText()).isEqualTo("original");
    }

    @Test
    void addStreamIsIdempotentPerTrackAndCopiesMetadataPerTrack() {
        MediaStream av = FakeRtc.stream("av", mic, cam);
        assertThat(media.trackStream(av, Map.of("role", "camera"))).hasSize(2);
        assertThat(media.trackStream(av, Map.of("role", "changed"))).isEmpty(); // first call wins
        assertThat(media.track(cam, av, null)).isNull();
        assertThat(media.trackMetadata(mic).orElseThrow()).isNotSameAs(media.snapshot().get(1).metadata());
        assertThat(media.streamMetadata(av).orElseThrow().get("role").asText()).isEqualTo("camera");
    }

    @Test
    void metadataOverTheServerCapIsRejectedAtTheCall() {
        cap = 60;
        assertThatThrownBy(() -> media.track(cam, null, Map.of("label", "x".repeat(40))))
                .isInstanceOf(MeteredPeerOversizedException.class);
        assertThatThrownBy(() -> media.trackStream(FakeRtc.stream("s", mic, cam), Map.of("label", "x".repeat(40))))
                .isInstanceOf(MeteredPeerOversizedException.class);
        assertThat(media.snapshot()).isEmpty();
        assertThatThrownBy(() -> media.track(cam, null, List.of(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void attachAllSendsEveryMetadataBeforeAnyTrackAndSkipsAttachedOnes() {
        media.track(cam, FakeRtc.stream("s1", cam), Map.of("role", "camera"));
        media.track(mic, null, null);
        media.track(screen, null, Map.of("role", "screen"));
        DefaultRemotePeer z1 = r.peer("z1", null);
        onLoop(() -> media.attachAll(z1));
        List<String> sent = r.signalsTo("z1");
        assertThat(sent).hasSize(3);
        assertThat(sent.subList(0, 2)).containsExactly(
                "{\"" + META + "\":{\"trackId\":\"cam\",\"metadata\":{\"role\":\"camera\"}}}",
                "{\"" + META + "\":{\"trackId\":\"screen\",\"metadata\":{\"role\":\"screen\"}}}");
        assertThat(sent.get(2)).contains("rtc-description").contains("offer"); // then the offer
        assertThat(r.pc(z1).ops).startsWith("addTrack:cam[s1]", "addTrack:mic[]", "addTrack:screen[]");
        int ops = r.pc(z1).ops.size();
        onLoop(() -> media.attachAll(z1));
        assertThat(r.pc(z1).ops).hasSize(ops);
    }

    @Test
    void detachClearsMetadataOnlyWhereSomeWasSent() {
        LocalMedia.Tracked withMeta = media.track(cam, null, Map.of("role", "camera"));
        LocalMedia.Tracked without = media.track(mic, null, null);
        DefaultRemotePeer z1 = r.peer("z1", null);
        onLoop(() -> media.attachAll(z1));
        r.signals.clear();
        onLoop(() -> media.detach(z1, withMeta));
        onLoop(() -> media.detach(z1, without));
        onLoop(() -> media.detach(z1, without)); // not attached any more: nothing
        assertThat(r.signalsTo("z1")).filteredOn(s -> s.contains(META))
                .containsExactly("{\"" + META + "\":{\"trackId\":\"cam\"}}");
        assertThat(r.pc(z1).ops).contains("removeTrack:cam", "removeTrack:mic");
    }

    @Test
    void replaceTrackWithNullStopsSendingAndLaterJoinersDoNotGetTheTrack() {
        media.track(cam, null, Map.of("role", "camera"));
        DefaultRemotePeer z1 = r.peer("z1", null);
        onLoop(() -> media.attachAll(z1));
        r.signals.clear();
        CompletableFuture<Void> done = media.replace(List.of(z1), cam, null, r.direct);
        assertThat(done).isCompleted();
        assertThat(((FakeRtc.Sender) r.pc(z1).senders.get(0)).track).isNull();
        assertThat(media.snapshot()).isEmpty();                        // no longer tracked (JS 1.0.3)
        assertThat(r.signalsTo("z1")).containsExactly("{\"" + META + "\":{\"trackId\":\"cam\"}}");
        DefaultRemotePeer late = r.peer("y1", null);
        onLoop(() -> media.attachAll(late));
        assertThat(r.pc(late).ops).noneMatch(op -> op.startsWith("addTrack"));
    }

    @Test
    void replaceTrackRekeysOnPartialSuccessAndListsBothSides() {
        media.track(cam, null, Map.of("role", "camera"));
        DefaultRemotePeer z1 = r.peer("z1", null);
        DefaultRemotePeer y1 = r.peer("y1", null);
        onLoop(() -> media.attachAll(z1));
        onLoop(() -> media.attachAll(y1));
        ((FakeRtc.Sender) r.pc(y1).senders.get(0)).failReplace = true;
        r.signals.clear();
        CompletableFuture<Void> done = media.replace(List.of(z1, y1), cam, screen, r.direct);
        assertThat(done).isCompletedExceptionally();
        MeteredPeerReplaceTrackException e = (MeteredPeerReplaceTrackException) done.handle((v, t) -> t).join();
        assertThat(e.succeeded()).containsExactly("z1");
        assertThat(e.failed()).extracting(MeteredPeerReplaceTrackException.Failure::peerId).containsExactly("y1");
        assertThat(media.snapshot()).extracting(t -> t.track().id()).containsExactly("screen");
        assertThat(r.signalsTo("z1")).containsExactly("{\"" + META + "\":{\"trackId\":\"cam\"}}",
                "{\"" + META + "\":{\"trackId\":\"screen\",\"metadata\":{\"role\":\"camera\"}}}");
        assertThat(r.signalsTo("y1")).isEmpty();
        assertThat(media.replace(List.of(), screen, cam, r.direct)).isCompleted(); // no peers: trivially done
        assertThat(media.snapshot()).extracting(t -> t.track().id()).containsExactly("cam");
    }
}

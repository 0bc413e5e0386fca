package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.internal.FakeScheduler;
import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.internal.RecordingLogger;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.internal.ClientRuntime;
import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.peer.MeteredPeerOptions;
import ca.metered.realtime.peer.PeerEvent;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.RemotePeerEvent;
import ca.metered.realtime.peer.rtc.IceTransportPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A MeteredPeer on a fake client, a fake RTC stack, a fake scheduler and direct executors. */
final class PeerHarness {
    final FakeClient client = new FakeClient();
    final FakeRtc rtc = new FakeRtc();
    final FakeScheduler scheduler = new FakeScheduler();
    final List<PeerEvent> events = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    final DefaultMeteredPeer peer;

    PeerHarness() {
        this("m-local");
    }

    PeerHarness(String localId) {
        this(localId, IceTransportPolicy.ALL);
    }

    PeerHarness(String localId, IceTransportPolicy policy) {
        client.peerId = localId;
        SignallingClientOptions sig = SignallingClientOptions.builder().apiKey("pk_test").url("ws://localhost:9")
                .logger(new RecordingLogger(logs)).build();
        AtomicInteger ids = new AtomicInteger();
        ClientRuntime rt = new ClientRuntime(Runnable::run, Runnable::run, scheduler, () -> 0.5,
                () -> "r" + ids.incrementAndGet());
        peer = new DefaultMeteredPeer(MeteredPeerOptions.builder(sig).rtcPeerConnectionFactory(rtc)
                .iceTransportPolicy(policy).build(), client, rt);
        peer.on(PeerEvent.class, events::add);
    }

    /** Joins {@code ch} and delivers a presence snapshot with {@code others}. */
    void joined(String ch, String... others) {
        peer.join(ch).join();
        presence(ch, List.of(others), List.of());
    }

    void presence(String ch, List<String> joined, List<String> left) {
        client.emit(new ClientEvent.Presence(ch, joined.stream().map(id -> new ClientEvent.PresencePeer(id, null)).toList(),
                left.stream().map(id -> new ClientEvent.PresencePeer(id, null)).toList()));
    }

    /** A presence whose joined entries carry {@code peerMetadata}. */
    void presenceWithMetadata(String ch, Map<String, JsonNode> joined) {
        client.emit(new ClientEvent.Presence(ch, joined.entrySet().stream()
                .map(e -> new ClientEvent.PresencePeer(e.getKey(), e.getValue())).toList(), List.of()));
    }

    void direct(String from, Object data) {
        client.emit(new ClientEvent.Direct(from, Json.valueToTree(data), null));
    }

    void remoteOffer(String from, String sdp) {
        direct(from, Map.of("type", "rtc-description", "description", Map.of("type", "offer", "sdp", sdp)));
    }

    void remoteAnswer(String from, String sdp) {
        direct(from, Map.of("type", "rtc-description", "description", Map.of("type", "answer", "sdp", sdp)));
    }

    RemotePeer remote(String id) {
        return peer.remotePeers().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    List<RemotePeerEvent> record(RemotePeer p) {
        List<RemotePeerEvent> out = new ArrayList<>();
        p.on(RemotePeerEvent.class, out::add);
        return out;
    }

    <E extends PeerEvent> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static ObjectNode obj(String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String json(JsonNode n) {
        return n.toString();
    }
}

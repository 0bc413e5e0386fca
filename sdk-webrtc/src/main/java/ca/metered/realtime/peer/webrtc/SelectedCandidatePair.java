package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.peer.rtc.RtcPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The candidate pair ICE selected on a connection, read from webrtc-java's stats
 * ({@code transport.selectedCandidatePairId} → {@code candidate-pair} → its local and remote
 * {@code candidate}s): the way to tell whether a connection's media and data really go through a
 * TURN relay ({@link #relayed()}) - see docs/turn.md.
 *
 * <p>Immutable; thread-safe.
 *
 * @param local this side's candidate
 * @param remote the other side's candidate
 * @param bytesSent bytes sent on the pair so far
 * @param bytesReceived bytes received on the pair so far
 */
public record SelectedCandidatePair(Candidate local, Candidate remote, long bytesSent, long bytesReceived) {

    /**
     * One ICE candidate.
     *
     * @param type {@code host}, {@code srflx}, {@code prflx} or {@code relay}
     * @param address its IP address (a relay candidate's is the TURN server's relay address)
     * @param port its port
     * @param protocol {@code udp} or {@code tcp}
     * @param relayProtocol how a local relay candidate reaches the TURN server ({@code udp},
     *     {@code tcp}, {@code tls}); null otherwise
     */
    public record Candidate(String type, String address, int port, String protocol, String relayProtocol) {
    }

    /** Whether either end is a relay candidate, i.e. the traffic passes through a TURN server. */
    public boolean relayed() {
        return "relay".equals(local.type()) || "relay".equals(remote.type());
    }

    /**
     * Reads {@code connection}'s current stats. Completes with empty when no pair is selected yet
     * or the connection is not a webrtc-java one (or is closed); completes on webrtc-java's
     * signalling thread.
     */
    public static CompletableFuture<Optional<SelectedCandidatePair>> of(RtcPeerConnection connection) {
        Optional<RTCPeerConnection> pc = connection.unwrap(RTCPeerConnection.class);
        if (pc.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<SelectedCandidatePair>> out = new CompletableFuture<>();
        try {
            pc.get().getStats(report -> out.complete(from(report.getStats())));
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
        }
        return out;
    }

    static Optional<SelectedCandidatePair> from(Map<String, RTCStats> stats) {
        for (RTCStats s : stats.values()) {
            if (s.getType() != RTCStatsType.TRANSPORT) {
                continue;
            }
            RTCStats pair = stats.get(String.valueOf(s.getAttributes().get("selectedCandidatePairId")));
            if (pair == null) {
                continue;
            }
            Map<String, Object> p = pair.getAttributes();
            RTCStats local = stats.get(String.valueOf(p.get("localCandidateId")));
            RTCStats remote = stats.get(String.valueOf(p.get("remoteCandidateId")));
            if (local != null && remote != null) {
                return Optional.of(new SelectedCandidatePair(candidate(local), candidate(remote),
                        number(p.get("bytesSent")), number(p.get("bytesReceived"))));
            }
        }
        return Optional.empty();
    }

    private static Candidate candidate(RTCStats s) {
        Map<String, Object> a = s.getAttributes();
        Object relay = a.get("relayProtocol");
        return new Candidate(String.valueOf(a.get("candidateType")), String.valueOf(a.get("address")),
                (int) number(a.get("port")), String.valueOf(a.get("protocol")), relay == null ? null : relay.toString());
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}

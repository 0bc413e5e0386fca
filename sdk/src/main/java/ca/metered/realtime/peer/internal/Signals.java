package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.peer.rtc.IceCandidate;
import ca.metered.realtime.peer.rtc.SdpType;
import ca.metered.realtime.peer.rtc.SessionDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The three direct-message payloads MeteredPeers exchange (docs/sdk-behaviour.md 2.1), built and recognised
 * exactly like the JS SDK so Java and JS peers interoperate: key names and key order match.
 */
final class Signals {
    static final String TRACK_META_KEY = "__meteredTrackMeta";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** A recognised inbound payload. */
    sealed interface Inbound permits Description, Ice, TrackMeta {
    }

    record Description(SessionDescription description) implements Inbound {
    }

    /** {@code candidate == null}: end of candidates. */
    record Ice(IceCandidate candidate) implements Inbound {
    }

    /** {@code metadata == null}: clear. */
    record TrackMeta(String trackId, ObjectNode metadata) implements Inbound {
    }

    private Signals() {
    }

    static ObjectNode description(SessionDescription d) {
        ObjectNode desc = F.objectNode();
        desc.put("type", d.type().wireName());
        desc.put("sdp", d.sdp());
        ObjectNode o = F.objectNode();
        o.put("type", "rtc-description");
        o.set("description", desc);
        return o;
    }

    static ObjectNode ice(IceCandidate c) {
        ObjectNode o = F.objectNode();
        o.put("type", "rtc-ice");
        if (c == null) {
            o.putNull("candidate");
            return o;
        }
        ObjectNode cand = F.objectNode();
        cand.put("candidate", c.candidate());
        if (c.sdpMid() == null) {
            cand.putNull("sdpMid");
        } else {
            cand.put("sdpMid", c.sdpMid());
        }
        if (c.sdpMLineIndex() == null) {
            cand.putNull("sdpMLineIndex");
        } else {
            cand.put("sdpMLineIndex", c.sdpMLineIndex());
        }
        if (c.usernameFragment() == null) {
            cand.putNull("usernameFragment");
        } else {
            cand.put("usernameFragment", c.usernameFragment());
        }
        o.set("candidate", cand);
        return o;
    }

    static ObjectNode trackMeta(String trackId, ObjectNode metadata) {
        ObjectNode inner = F.objectNode();
        inner.put("trackId", trackId);
        if (metadata != null) {
            inner.set("metadata", metadata);
        }
        ObjectNode o = F.objectNode();
        o.set(TRACK_META_KEY, inner);
        return o;
    }

    /** UTF-8 bytes of the JSON the client would put in the frame's {@code data}. */
    static int size(Object data) {
        return Json.utf8Length(Json.serialize(data));
    }

    /** Classifies in the JS order (docs/sdk-behaviour.md 2.2): RTC signal, then track-meta; {@code null} = user data. */
    static Inbound classify(JsonNode data) {
        if (data == null || !data.isObject()) {
            return null;
        }
        JsonNode type = data.get("type");
        if (type != null && type.isTextual()) {
            if (type.textValue().equals("rtc-description")) {
                JsonNode d = data.get("description");
                if (d != null && d.isObject()) {
                    JsonNode dt = d.get("type");
                    JsonNode sdp = d.get("sdp");
                    if (dt != null && dt.isTextual() && sdp != null && sdp.isTextual()) {
                        if (dt.textValue().equals("offer")) {
                            return new Description(new SessionDescription(SdpType.OFFER, sdp.textValue()));
                        }
                        if (dt.textValue().equals("answer")) {
                            return new Description(new SessionDescription(SdpType.ANSWER, sdp.textValue()));
                        }
                    }
                }
            } else if (type.textValue().equals("rtc-ice") && data.has("candidate")) {
                JsonNode c = data.get("candidate");
                if (c.isNull()) {
                    return new Ice(null);
                }
                if (c.isObject()) {
                    return new Ice(candidate(c));
                }
            }
        }
        JsonNode meta = data.get(TRACK_META_KEY);
        if (meta != null && meta.isObject()) {
            JsonNode id = meta.get("trackId");
            JsonNode md = meta.get("metadata");
            if (id != null && id.isTextual() && !id.textValue().isEmpty() && (md == null || md.isObject())) {
                return new TrackMeta(id.textValue(), md == null ? null : (ObjectNode) md);
            }
        }
        return null;
    }

    /** Like JS: a candidate object passes through as-is; a missing/non-string line becomes "". */
    private static IceCandidate candidate(JsonNode c) {
        JsonNode line = c.get("candidate");
        JsonNode mid = c.get("sdpMid");
        JsonNode idx = c.get("sdpMLineIndex");
        JsonNode uf = c.get("usernameFragment");
        return new IceCandidate(line != null && line.isTextual() ? line.textValue() : "",
                mid != null && mid.isTextual() ? mid.textValue() : null,
                idx != null && idx.canConvertToInt() && idx.isIntegralNumber() ? idx.intValue() : null,
                uf != null && uf.isTextual() ? uf.textValue() : null);
    }

    /** Whether a user payload looks like an RTC signal (sendTo warns). */
    static boolean looksLikeSignal(JsonNode data) {
        Inbound i = classify(data);
        return i instanceof Description || i instanceof Ice;
    }
}

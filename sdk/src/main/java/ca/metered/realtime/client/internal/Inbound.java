package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.ServerDecodeResult;
import ca.metered.realtime.protocol.frame.ServerFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * One text message from the server, decoded: the frame, and for the frames that become events
 * ({@code message}, {@code direct}, {@code presence}, {@code going_away}) the event itself, its
 * JSON already parsed into trees. A pure function of the text.
 *
 * @param frame     the frame, or {@code null} when {@code problem} is set
 * @param event     the event the frame becomes, or {@code null} for control frames
 * @param oversized the text was longer than {@link #MAX_CHARS} (the client closes with 1009)
 * @param problem   why the frame was dropped as malformed, or {@code null}
 */
record Inbound(ServerFrame frame, ClientEvent event, boolean oversized, String problem) {
    /** Inbound frame cap in chars, as JS's string-length check (sdk.md 11.2: 1 MiB). */
    static final int MAX_CHARS = 1_048_576;

    static Inbound decode(String text) {
        if (text.length() > MAX_CHARS) {
            return new Inbound(null, null, true, "frame exceeds " + MAX_CHARS + " chars");
        }
        ServerDecodeResult decoded = FrameCodec.decodeServer(text);
        if (decoded instanceof ServerDecodeResult.Malformed m) {
            return new Inbound(null, null, false, m.reason());
        }
        ServerFrame frame = ((ServerDecodeResult.Ok) decoded).frame();
        return new Inbound(frame, event(frame), false, null);
    }

    private static ClientEvent event(ServerFrame frame) {
        switch (frame.kind()) {
            case MESSAGE -> {
                ServerFrame.Message m = (ServerFrame.Message) frame;
                return new ClientEvent.Message(m.channel(), m.from(), Json.tree(m.data()), Json.tree(m.fromMetadata()));
            }
            case DIRECT -> {
                ServerFrame.Direct d = (ServerFrame.Direct) frame;
                return new ClientEvent.Direct(d.from(), Json.tree(d.data()), Json.tree(d.fromMetadata()));
            }
            case PRESENCE -> {
                ServerFrame.Presence p = (ServerFrame.Presence) frame;
                return new ClientEvent.Presence(p.channel(), peers(p.joined()), peers(p.left()));
            }
            case GOING_AWAY -> {
                return new ClientEvent.GoingAway(((ServerFrame.GoingAway) frame).retryAfterMs());
            }
            default -> {
                return null;
            }
        }
    }

    private static List<ClientEvent.PresencePeer> peers(List<ServerFrame.PresenceEntry> entries) {
        List<ClientEvent.PresencePeer> out = new ArrayList<>(entries.size());
        for (ServerFrame.PresenceEntry e : entries) {
            out.add(new ClientEvent.PresencePeer(e.peerId(), Json.tree(e.metadata())));
        }
        return out;
    }
}

package ca.metered.realtime.server.hub;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.frame.FrameSlices;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.auth.ChannelScope;
import ca.metered.realtime.server.auth.Permissions;
import ca.metered.realtime.server.pubsub.ChannelSet;
import ca.metered.realtime.server.pubsub.Member;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * A fake connection of app {@code app}, allowed every channel and action, that records what
 * the hub hands it. Thread-safe enough for single-threaded tests.
 */
class RecordingSubscriber implements Member {
    private static final Permissions ALL = new Permissions(ChannelScope.of(List.of(ChannelPattern.compile("**"))),
            EnumSet.allOf(Action.class));
    private static long ids;

    final long id = ++ids;
    final String peerId;
    final RawJson metadata;
    final boolean presence;
    final List<byte[]> frames = new ArrayList<>();
    /** How many of {@link #frames} came as slices (joined here into one array each). */
    int slices;
    private final ChannelSet channels = new ChannelSet();
    Integer closedWith;

    RecordingSubscriber(String peerId, RawJson metadata, boolean presence) {
        this.peerId = peerId;
        this.metadata = metadata;
        this.presence = presence;
    }

    RecordingSubscriber(String peerId) {
        this(peerId, null, true);
    }

    @Override
    public String appId() {
        return "app";
    }

    @Override
    public Permissions permissions() {
        return ALL;
    }

    @Override
    public ChannelSet channels() {
        return channels;
    }

    @Override
    public long connectionId() {
        return id;
    }

    @Override
    public String peerId() {
        return peerId;
    }

    @Override
    public RawJson peerMetadata() {
        return metadata;
    }

    @Override
    public boolean presenceEnabled() {
        return presence;
    }

    @Override
    public synchronized void deliver(byte[] frame) {
        frames.add(frame);
    }

    @Override
    public synchronized void deliver(FrameSlices frame) {
        slices++;
        frames.add(frame.toBytes());
    }

    @Override
    public void close(int code, String reason) {
        closedWith = code;
    }

    synchronized List<String> texts() {
        List<String> out = new ArrayList<>();
        frames.forEach(f -> out.add(new String(f, StandardCharsets.UTF_8)));
        return out;
    }

    synchronized void clear() {
        frames.clear();
        slices = 0;
    }
}

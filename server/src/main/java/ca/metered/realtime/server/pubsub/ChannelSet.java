package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.ChannelPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection's subscriptions: concrete channel names and wildcard patterns by their text.
 * Changed only by {@link Memberships}; the connection's commands run one at a time, so the
 * maps only need to be safe against the release at close running on another thread.
 *
 * <p>Thread-safe.
 */
public final class ChannelSet {
    private final Set<String> concrete = ConcurrentHashMap.newKeySet();
    private final Map<String, ChannelPattern> globs = new ConcurrentHashMap<>();

    /** Subscriptions of both kinds, as counted against {@code maxChannelsPerConnection}. */
    public int size() {
        return concrete.size() + globs.size();
    }

    /** The channel names and pattern texts now (the admin's view of a connection). */
    public List<String> names() {
        List<String> out = new ArrayList<>(concrete);
        out.addAll(globs.keySet());
        out.sort(null);
        return out;
    }

    boolean hasChannel(String channel) {
        return concrete.contains(channel);
    }

    boolean hasGlob(String text) {
        return globs.containsKey(text);
    }

    void addChannel(String channel) {
        concrete.add(channel);
    }

    boolean removeChannel(String channel) {
        return concrete.remove(channel);
    }

    void addGlob(String text, ChannelPattern glob) {
        globs.put(text, glob);
    }

    ChannelPattern removeGlob(String text) {
        return globs.remove(text);
    }

    void removeGlob(String text, ChannelPattern glob) {
        globs.remove(text, glob);
    }

    /** Removes and returns every concrete channel. */
    List<String> takeChannels() {
        List<String> out = new ArrayList<>(concrete);
        concrete.removeAll(out);
        return out;
    }

    /** Removes and returns every wildcard pattern. */
    List<ChannelPattern> takeGlobs() {
        List<ChannelPattern> out = new ArrayList<>();
        for (String text : new ArrayList<>(globs.keySet())) {
            ChannelPattern g = globs.remove(text);
            if (g != null) {
                out.add(g);
            }
        }
        return out;
    }
}

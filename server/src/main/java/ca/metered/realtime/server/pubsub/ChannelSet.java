package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.ChannelPattern;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One connection's subscriptions: concrete channel names and wildcard patterns by their text.
 * Changed only by {@link Memberships}; the connection's commands run one at a time, so the set
 * only needs to be safe against the release at close running on another thread.
 *
 * <p>Kept in small arrays, allocated on the first subscription and scanned linearly: a
 * connection holds a few channels (at most the app's {@code maxChannelsPerConnection}), and
 * every idle connection of a node carries one of these, where two concurrent hash maps cost
 * about 260 bytes for a single room. A single channel — the usual case, one room — is kept
 * without an array (docs/performance.md, "Idle connections").
 *
 * <p>Not final: a {@link ca.metered.realtime.server.connection.Connection} is its own channel set
 * (extends it rather than holding one: one object and one reference fewer per connection,
 * docs/performance.md "Idle connections"). Its monitor is then the connection's, which the
 * connection's registry also takes: safe, since no method here takes another lock or calls out
 * while holding it.
 *
 * <p>Thread-safe (every method holds the set's monitor).
 */
public class ChannelSet {
    private static final int FIRST_CAPACITY = 2;

    /** The concrete channel names: null, the only one (a String), or an array of {@link #concreteCount}. */
    private Object concrete;
    private int concreteCount;
    /** Pattern texts and their compiled patterns, index for index. */
    private String[] globTexts;
    private ChannelPattern[] globs;
    private int globCount;

    /** Subscriptions of both kinds, as counted against {@code maxChannelsPerConnection}. */
    public synchronized int size() {
        return concreteCount + globCount;
    }

    /** The channel names and pattern texts now (the admin's view of a connection). */
    public synchronized List<String> names() {
        List<String> out = new ArrayList<>(concreteCount + globCount);
        addConcreteTo(out);
        for (int i = 0; i < globCount; i++) {
            out.add(globTexts[i]);
        }
        out.sort(null);
        return out;
    }

    synchronized boolean hasChannel(String channel) {
        return concrete instanceof String only
                ? only.equals(channel)
                : indexOf((String[]) concrete, concreteCount, channel) >= 0;
    }

    synchronized boolean hasGlob(String text) {
        return indexOf(globTexts, globCount, text) >= 0;
    }

    synchronized void addChannel(String channel) {
        if (hasChannel(channel)) {
            return;
        }
        if (concrete == null) {
            concrete = channel;
            concreteCount = 1;
            return;
        }
        String[] names;
        if (concrete instanceof String only) {
            names = new String[FIRST_CAPACITY];
            names[0] = only;
        } else {
            names = (String[]) concrete;
            if (concreteCount == names.length) {
                names = Arrays.copyOf(names, concreteCount * 2);
            }
        }
        names[concreteCount++] = channel;
        concrete = names;
    }

    synchronized boolean removeChannel(String channel) {
        if (concrete instanceof String only) {
            if (!only.equals(channel)) {
                return false;
            }
            concrete = null;
            concreteCount = 0;
            return true;
        }
        String[] names = (String[]) concrete;
        int i = indexOf(names, concreteCount, channel);
        if (i < 0) {
            return false;
        }
        concreteCount--;
        names[i] = names[concreteCount];
        names[concreteCount] = null;
        return true;
    }

    synchronized void addGlob(String text, ChannelPattern glob) {
        int i = indexOf(globTexts, globCount, text);
        if (i >= 0) {
            globs[i] = glob;
            return;
        }
        if (globTexts == null) {
            globTexts = new String[FIRST_CAPACITY];
            globs = new ChannelPattern[FIRST_CAPACITY];
        } else if (globCount == globTexts.length) {
            globTexts = Arrays.copyOf(globTexts, globCount * 2);
            globs = Arrays.copyOf(globs, globCount * 2);
        }
        globTexts[globCount] = text;
        globs[globCount] = glob;
        globCount++;
    }

    synchronized ChannelPattern removeGlob(String text) {
        int i = indexOf(globTexts, globCount, text);
        if (i < 0) {
            return null;
        }
        ChannelPattern removed = globs[i];
        removeGlobAt(i);
        return removed;
    }

    /** Removes the pattern {@code text} only while it still maps to {@code glob}. */
    synchronized void removeGlob(String text, ChannelPattern glob) {
        int i = indexOf(globTexts, globCount, text);
        if (i >= 0 && globs[i].equals(glob)) {
            removeGlobAt(i);
        }
    }

    private void removeGlobAt(int i) {
        globCount--;
        globTexts[i] = globTexts[globCount];
        globs[i] = globs[globCount];
        globTexts[globCount] = null;
        globs[globCount] = null;
    }

    /** Removes and returns every concrete channel. */
    synchronized List<String> takeChannels() {
        List<String> out = new ArrayList<>(concreteCount);
        addConcreteTo(out);
        concrete = null;
        concreteCount = 0;
        return out;
    }

    /** Removes and returns every wildcard pattern. */
    synchronized List<ChannelPattern> takeGlobs() {
        List<ChannelPattern> out = new ArrayList<>(globCount);
        for (int i = 0; i < globCount; i++) {
            out.add(globs[i]);
        }
        globTexts = null;
        globs = null;
        globCount = 0;
        return out;
    }

    private void addConcreteTo(List<String> out) {
        if (concrete instanceof String only) {
            out.add(only);
            return;
        }
        for (int i = 0; i < concreteCount; i++) {
            out.add(((String[]) concrete)[i]);
        }
    }

    private static int indexOf(String[] names, int count, String name) {
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}

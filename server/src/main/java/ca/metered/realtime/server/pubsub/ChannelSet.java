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
 * <p>Kept in arrays of exactly the size needed, replaced on every change and scanned linearly: a
 * connection holds a few channels (at most the app's {@code maxChannelsPerConnection}) and
 * changes them seldom, and every idle connection of a node carries one of these, where two
 * concurrent hash maps cost about 260 bytes for a single room. A single channel — the usual
 * case, one room — is kept without an array; no counts are kept (an array's length is its
 * count), which keeps a {@code Connection} under the next 8-byte step (docs/performance.md,
 * "Idle connections").
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
    /** The concrete channel names: null, the only one (a String), or an array of two or more. */
    private Object concrete;
    /** Pattern texts and their compiled patterns, index for index; null when there are none. */
    private String[] globTexts;
    private ChannelPattern[] globs;

    /** Subscriptions of both kinds, as counted against {@code maxChannelsPerConnection}. */
    public synchronized int size() {
        return concreteCount() + globCount();
    }

    /** The channel names and pattern texts now (the admin's view of a connection). */
    public synchronized List<String> names() {
        List<String> out = new ArrayList<>(concreteCount() + globCount());
        addConcreteTo(out);
        if (globTexts != null) {
            out.addAll(Arrays.asList(globTexts));
        }
        out.sort(null);
        return out;
    }

    synchronized boolean hasChannel(String channel) {
        return concrete instanceof String only ? only.equals(channel) : indexOf((String[]) concrete, channel) >= 0;
    }

    synchronized boolean hasGlob(String text) {
        return indexOf(globTexts, text) >= 0;
    }

    synchronized void addChannel(String channel) {
        if (hasChannel(channel)) {
            return;
        }
        if (concrete == null) {
            concrete = channel;
            return;
        }
        String[] had = concrete instanceof String only ? new String[] {only} : (String[]) concrete;
        String[] names = Arrays.copyOf(had, had.length + 1);
        names[had.length] = channel;
        concrete = names;
    }

    synchronized boolean removeChannel(String channel) {
        if (concrete instanceof String only) {
            if (!only.equals(channel)) {
                return false;
            }
            concrete = null;
            return true;
        }
        String[] names = (String[]) concrete;
        int i = indexOf(names, channel);
        if (i < 0) {
            return false;
        }
        concrete = names.length == 2 ? names[1 - i] : without(names, i, new String[names.length - 1]);
        return true;
    }

    synchronized void addGlob(String text, ChannelPattern glob) {
        int i = indexOf(globTexts, text);
        if (i >= 0) {
            globs[i] = glob;
            return;
        }
        int n = globCount();
        globTexts = globTexts == null ? new String[1] : Arrays.copyOf(globTexts, n + 1);
        globs = globs == null ? new ChannelPattern[1] : Arrays.copyOf(globs, n + 1);
        globTexts[n] = text;
        globs[n] = glob;
    }

    synchronized ChannelPattern removeGlob(String text) {
        int i = indexOf(globTexts, text);
        if (i < 0) {
            return null;
        }
        ChannelPattern removed = globs[i];
        removeGlobAt(i);
        return removed;
    }

    /** Removes the pattern {@code text} only while it still maps to {@code glob}. */
    synchronized void removeGlob(String text, ChannelPattern glob) {
        int i = indexOf(globTexts, text);
        if (i >= 0 && globs[i].equals(glob)) {
            removeGlobAt(i);
        }
    }

    private void removeGlobAt(int i) {
        int n = globTexts.length;
        if (n == 1) {
            globTexts = null;
            globs = null;
            return;
        }
        globTexts = without(globTexts, i, new String[n - 1]);
        globs = without(globs, i, new ChannelPattern[n - 1]);
    }

    /** Removes and returns every concrete channel. */
    synchronized List<String> takeChannels() {
        List<String> out = new ArrayList<>(concreteCount());
        addConcreteTo(out);
        concrete = null;
        return out;
    }

    /** Removes and returns every wildcard pattern. */
    synchronized List<ChannelPattern> takeGlobs() {
        List<ChannelPattern> out = globs == null ? new ArrayList<>(0) : new ArrayList<>(Arrays.asList(globs));
        globTexts = null;
        globs = null;
        return out;
    }

    private int concreteCount() {
        return concrete == null ? 0 : concrete instanceof String ? 1 : ((String[]) concrete).length;
    }

    private int globCount() {
        return globTexts == null ? 0 : globTexts.length;
    }

    private void addConcreteTo(List<String> out) {
        if (concrete instanceof String only) {
            out.add(only);
        } else if (concrete != null) {
            out.addAll(Arrays.asList((String[]) concrete));
        }
    }

    /** {@code from} without its element {@code i}, copied into {@code to} (one shorter). */
    private static <T> T[] without(T[] from, int i, T[] to) {
        System.arraycopy(from, 0, to, 0, i);
        System.arraycopy(from, i + 1, to, i, from.length - i - 1);
        return to;
    }

    private static int indexOf(String[] names, String name) {
        if (names == null) {
            return -1;
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}

package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.ChannelPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The channels a connection may use: the intersection of one or more pattern lists
 * (docs/protocol.md 6.3). For a JWT that is the token's {@code channels} ∩ the secret key's
 * {@code channels}; for a publishable key just the key's. A name is allowed when it matches
 * some pattern of <em>every</em> list; an empty list therefore allows nothing.
 *
 * <p>Immutable; thread-safe.
 */
public final class ChannelScope {
    private final List<List<ChannelPattern>> lists;

    private ChannelScope(List<List<ChannelPattern>> lists) {
        this.lists = lists;
    }

    /** A scope of exactly these patterns. */
    public static ChannelScope of(List<ChannelPattern> patterns) {
        return new ChannelScope(List.of(List.copyOf(patterns)));
    }

    /** This scope narrowed by {@code more}: a name must also match one of {@code more}. */
    public ChannelScope intersect(List<ChannelPattern> more) {
        List<List<ChannelPattern>> next = new ArrayList<>(lists);
        next.add(List.copyOf(more));
        return new ChannelScope(List.copyOf(next));
    }

    /** Whether the concrete channel name {@code concreteChannel} is inside the scope. */
    public boolean allows(String concreteChannel) {
        Objects.requireNonNull(concreteChannel, "concreteChannel");
        // Plain loops: this runs for every publish (a stream here was a tenth of the publish path).
        for (List<ChannelPattern> list : lists) {
            if (!anyMatches(list, concreteChannel)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyMatches(List<ChannelPattern> patterns, String concreteChannel) {
        for (int i = 0, n = patterns.size(); i < n; i++) {
            if (patterns.get(i).matches(concreteChannel)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether every channel a wildcard subscription could match is inside the scope
     * (docs/protocol.md 2.4): the glob must be {@linkplain ChannelPattern#covers covered} by some
     * pattern of every list. Conservative in the same way as {@code covers}.
     */
    public boolean allowsGlob(ChannelPattern subscriptionGlob) {
        Objects.requireNonNull(subscriptionGlob, "subscriptionGlob");
        for (List<ChannelPattern> list : lists) {
            if (list.stream().noneMatch(p -> p.covers(subscriptionGlob))) {
                return false;
            }
        }
        return true;
    }

    /** The pattern lists being intersected, outermost (the key's) first. */
    public List<List<ChannelPattern>> patternLists() {
        return lists;
    }

    /**
     * Whether {@code other} is built from the same pattern lists, each compared as a set (the
     * order of patterns in a claim does not change what it allows). Used by token refresh.
     */
    public boolean sameAs(ChannelScope other) {
        if (other.lists.size() != lists.size()) {
            return false;
        }
        for (int i = 0; i < lists.size(); i++) {
            if (!new java.util.HashSet<>(lists.get(i)).equals(new java.util.HashSet<>(other.lists.get(i)))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelScope s && s.lists.equals(lists);
    }

    @Override
    public int hashCode() {
        return lists.hashCode();
    }

    @Override
    public String toString() {
        return "ChannelScope" + lists;
    }
}

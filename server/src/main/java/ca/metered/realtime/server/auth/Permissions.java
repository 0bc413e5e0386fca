package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.Action;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a credential lets its holder do: the channels it may use and the actions it may take
 * (docs/protocol.md 6). A connection's comes from its publishable key or JWT, a REST request's from
 * its secret key; {@link Authorizer} checks both the same way.
 *
 * <p>Immutable; thread-safe.
 */
public record Permissions(ChannelScope channels, Set<Action> actions) {

    /**
     * Every distinct set of actions, frozen once and shared (at most 2^4 of them): every
     * connection's grant holds one, and a copy each cost ~100 bytes per idle connection.
     */
    private static final ConcurrentHashMap<Set<Action>, Set<Action>> FROZEN = new ConcurrentHashMap<>();

    public Permissions {
        Objects.requireNonNull(channels, "channels");
        actions = frozen(actions);
    }

    /** The shared unmodifiable copy of {@code actions}. */
    static Set<Action> frozen(Set<Action> actions) {
        Set<Action> shared = FROZEN.get(actions);
        if (shared != null) {
            return shared;
        }
        EnumSet<Action> copy = EnumSet.noneOf(Action.class);
        copy.addAll(actions);
        Set<Action> frozen = Collections.unmodifiableSet(copy);
        Set<Action> raced = FROZEN.putIfAbsent(frozen, frozen);
        return raced != null ? raced : frozen;
    }

    public boolean can(Action action) {
        return actions.contains(action);
    }
}

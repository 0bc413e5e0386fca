package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.Action;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a credential lets its holder do: the channels it may use and the actions it may take
 * (docs/protocol.md 6). A connection's comes from its publishable key or JWT, a REST request's from
 * its secret key; {@link Authorizer} checks both the same way.
 *
 * <p>Immutable; thread-safe.
 */
public record Permissions(ChannelScope channels, Set<Action> actions) {

    public Permissions {
        Objects.requireNonNull(channels, "channels");
        EnumSet<Action> copy = EnumSet.noneOf(Action.class);
        copy.addAll(actions);
        actions = Collections.unmodifiableSet(copy);
    }

    public boolean can(Action action) {
        return actions.contains(action);
    }
}

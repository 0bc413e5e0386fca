package ca.metered.realtime.server.config;

import ca.metered.realtime.protocol.Action;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** Action-set helpers shared by the key records. Stateless; thread-safe. */
final class Actions {
    private Actions() {
    }

    /** An unmodifiable copy that iterates in {@link Action} declaration order. */
    static Set<Action> immutable(Set<Action> actions) {
        EnumSet<Action> copy = EnumSet.noneOf(Action.class);
        copy.addAll(actions);
        return Collections.unmodifiableSet(copy);
    }
}

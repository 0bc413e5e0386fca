package ca.metered.realtime.protocol;

import java.util.Locale;
import java.util.Optional;

/**
 * What a credential may do (docs/protocol.md 6): the vocabulary of publishable-key {@code actions},
 * secret-key {@code actions} and the JWT {@code permissions} claim.
 *
 * <p>Immutable; thread-safe.
 */
public enum Action {
    SUBSCRIBE("subscribe"),
    PUBLISH("publish"),
    /** Receive presence frames and be announced to others (docs/protocol.md 2.3). */
    PRESENCE("presence"),
    SEND("send");

    private final String wireName;

    Action(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used in configuration, JWT claims and REST bodies. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name; case-sensitive, as the hosted service is. */
    public static Optional<Action> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Action a : values()) {
            if (a.wireName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}

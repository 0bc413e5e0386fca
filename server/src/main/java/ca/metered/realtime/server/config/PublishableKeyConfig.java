package ca.metered.realtime.server.config;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A publishable key (docs/protocol.md 6.1): the key text itself is the credential, so it is safe
 * to ship in browser code only because its channels, actions and origins are bounded here.
 *
 * <p>Immutable; thread-safe.
 *
 * @param key the key, starting {@code pk_}; unique across all apps
 * @param channels patterns the key may use; required, non-empty
 * @param actions what the key may do; default subscribe, publish, presence (send is off unless
 *     listed)
 * @param allowedOrigins browser origins ({@code scheme://host[:port]}, or {@code *}) allowed to
 *     use the key; empty allows any
 */
public record PublishableKeyConfig(
        String key,
        List<ChannelPattern> channels,
        Set<Action> actions,
        List<String> allowedOrigins) {

    /** Actions a publishable key gets when its config lists none. */
    public static final Set<Action> DEFAULT_ACTIONS =
            Set.copyOf(EnumSet.of(Action.SUBSCRIBE, Action.PUBLISH, Action.PRESENCE));

    public PublishableKeyConfig {
        Objects.requireNonNull(key, "key");
        channels = List.copyOf(channels);
        actions = Actions.immutable(actions);
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}

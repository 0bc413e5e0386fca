package ca.metered.realtime.server.config;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A secret key pair (docs/protocol.md 6.2): the public id (the JWT {@code kid}) and the HMAC
 * secret, plus the channels and actions that bound every token it signs and every REST call
 * it authenticates. {@link #toString()} redacts the secret so it never reaches a log.
 *
 * <p>Immutable; thread-safe.
 *
 * @param id key id, starting {@code sk_id_}; unique across all apps
 * @param secret signing secret, starting {@code sk_secret_}, at least 16 characters
 * @param channels patterns its tokens and REST calls may use; default {@code **}
 * @param actions actions its tokens and REST calls may use; default all four
 */
public record SecretKeyConfig(
        String id,
        String secret,
        List<ChannelPattern> channels,
        Set<Action> actions) {

    /** Actions a secret key gets when its config lists none. */
    public static final Set<Action> DEFAULT_ACTIONS = Set.copyOf(EnumSet.allOf(Action.class));

    public SecretKeyConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        channels = List.copyOf(channels);
        actions = Actions.immutable(actions);
    }

    @Override
    public String toString() {
        return "SecretKeyConfig[id=" + id + ", secret=<redacted>, channels=" + channels
                + ", actions=" + actions + "]";
    }
}

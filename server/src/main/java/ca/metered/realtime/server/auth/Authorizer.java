package ca.metered.realtime.server.auth;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelNames;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.ErrorCode;
import java.util.Optional;

/**
 * The channel and action rules, in the order a client sees them (docs/protocol.md 2.4, 3, 6): a
 * reserved prefix first, then where a wildcard may appear, then the action, then the
 * credential's channel patterns. The one implementation behind the WebSocket commands and the
 * REST endpoints.
 *
 * <p>Stateless; thread-safe. Channel names reaching it are well-formed (the codec and the REST
 * path decoder check length and characters).
 */
public final class Authorizer {
    private static final Refusal RESERVED = new Refusal(ErrorCode.CHANNEL_RESERVED, "channel prefix is reserved");
    private static final Refusal OUTSIDE_SCOPE = new Refusal(ErrorCode.CHANNEL_NOT_AUTHORIZED,
            "channel outside the credential's channels");
    private static final Refusal PATTERN_OUTSIDE_SCOPE = new Refusal(ErrorCode.CHANNEL_NOT_AUTHORIZED,
            "channel pattern outside the credential's channels");
    private static final Refusal WILDCARD = new Refusal(ErrorCode.INVALID_CHANNEL,
            "cannot publish to a wildcard channel");

    /** What a subscribe may go on with: a concrete channel or a wildcard pattern, or a refusal. */
    public sealed interface SubscribeDecision {
        /** A concrete channel name. */
        record Concrete(String channel) implements SubscribeDecision {
        }

        /** A wildcard subscription (docs/protocol.md 2.4). */
        record Wildcard(ChannelPattern glob) implements SubscribeDecision {
        }

        record Denied(Refusal refusal) implements SubscribeDecision {
        }
    }

    /** A subscribe to {@code channel}, a concrete name or a glob. */
    public SubscribeDecision subscribe(Permissions p, String channel) {
        if (ChannelNames.isReserved(channel)) {
            return new SubscribeDecision.Denied(RESERVED);
        }
        Optional<Refusal> action = action(p, Action.SUBSCRIBE);
        if (action.isPresent()) {
            return new SubscribeDecision.Denied(action.get());
        }
        if (!ChannelNames.isWildcard(channel)) {
            return p.channels().allows(channel) ? new SubscribeDecision.Concrete(channel)
                    : new SubscribeDecision.Denied(OUTSIDE_SCOPE);
        }
        ChannelPattern glob;
        try {
            glob = ChannelPattern.compile(channel);
        } catch (IllegalArgumentException e) {
            return new SubscribeDecision.Denied(new Refusal(ErrorCode.INVALID_CHANNEL, e.getMessage()));
        }
        return p.channels().allowsGlob(glob) ? new SubscribeDecision.Wildcard(glob)
                : new SubscribeDecision.Denied(PATTERN_OUTSIDE_SCOPE);
    }

    /** A publish to a concrete channel. */
    public Optional<Refusal> publish(Permissions p, String channel) {
        return concrete(p, channel, Action.PUBLISH);
    }

    /** Reading a channel's members (REST {@code GET …/peers}). */
    public Optional<Refusal> presence(Permissions p, String channel) {
        return concrete(p, channel, Action.PRESENCE);
    }

    /** A direct message; any peer of the app may be the target. */
    public Optional<Refusal> send(Permissions p) {
        return action(p, Action.SEND);
    }

    private static Optional<Refusal> concrete(Permissions p, String channel, Action needed) {
        if (ChannelNames.isReserved(channel)) {
            return Optional.of(RESERVED);
        }
        if (ChannelNames.isWildcard(channel)) {
            return Optional.of(WILDCARD);
        }
        Optional<Refusal> action = action(p, needed);
        if (action.isPresent()) {
            return action;
        }
        return p.channels().allows(channel) ? Optional.empty() : Optional.of(OUTSIDE_SCOPE);
    }

    private static Optional<Refusal> action(Permissions p, Action needed) {
        return p.can(needed) ? Optional.empty() : Optional.of(new Refusal(ErrorCode.ACTION_NOT_PERMITTED,
                "credential lacks the " + needed.wireName() + " action"));
    }
}

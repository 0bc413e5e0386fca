package ca.metered.realtime.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.server.auth.Authorizer.SubscribeDecision;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The channel and action rules, in the order clients see them (docs/protocol.md 2.4, 3, 6). */
class AuthorizerTest {
    private final Authorizer authorizer = new Authorizer();

    private static Permissions perms(Set<Action> actions, String... patterns) {
        return new Permissions(ChannelScope.of(List.of(patterns).stream().map(ChannelPattern::compile).toList()),
                actions);
    }

    private static ErrorCode code(Optional<Refusal> r) {
        return r.map(Refusal::code).orElse(null);
    }

    private static ErrorCode code(SubscribeDecision d) {
        return d instanceof SubscribeDecision.Denied denied ? denied.refusal().code() : null;
    }

    @Test
    void publishChecksReservedThenWildcardThenActionThenScope() {
        Permissions none = perms(EnumSet.noneOf(Action.class), "room-*");
        assertThat(code(authorizer.publish(none, "_Metered/x"))).isEqualTo(ErrorCode.CHANNEL_RESERVED);
        assertThat(code(authorizer.publish(none, "_metered/*"))).isEqualTo(ErrorCode.CHANNEL_RESERVED);
        assertThat(code(authorizer.publish(none, "room-*"))).isEqualTo(ErrorCode.INVALID_CHANNEL);
        assertThat(code(authorizer.publish(none, "other"))).isEqualTo(ErrorCode.ACTION_NOT_PERMITTED);
        Permissions pub = perms(EnumSet.of(Action.PUBLISH), "room-*");
        assertThat(code(authorizer.publish(pub, "other"))).isEqualTo(ErrorCode.CHANNEL_NOT_AUTHORIZED);
        assertThat(authorizer.publish(pub, "room-1")).isEmpty();
        assertThat(authorizer.publish(none, "other").orElseThrow().message())
                .isEqualTo("credential lacks the publish action");
    }

    @Test
    void presenceUsesTheSameRulesWithItsOwnAction() {
        Permissions pub = perms(EnumSet.of(Action.PUBLISH), "**");
        assertThat(code(authorizer.presence(pub, "room"))).isEqualTo(ErrorCode.ACTION_NOT_PERMITTED);
        assertThat(authorizer.presence(perms(EnumSet.of(Action.PRESENCE), "**"), "room")).isEmpty();
        assertThat(code(authorizer.presence(perms(EnumSet.of(Action.PRESENCE), "**"), "_internal/x")))
                .isEqualTo(ErrorCode.CHANNEL_RESERVED);
    }

    @Test
    void subscribeTellsAConcreteChannelFromAPatternTheCredentialCovers() {
        Permissions p = perms(EnumSet.of(Action.SUBSCRIBE), "devices/**", "room-*");
        assertThat(authorizer.subscribe(p, "room-1")).isEqualTo(new SubscribeDecision.Concrete("room-1"));
        assertThat(authorizer.subscribe(p, "devices/*/events"))
                .isEqualTo(new SubscribeDecision.Wildcard(ChannelPattern.compile("devices/*/events")));
        assertThat(code(authorizer.subscribe(p, "room-*x/**"))).isEqualTo(ErrorCode.CHANNEL_NOT_AUTHORIZED);
        assertThat(code(authorizer.subscribe(p, "other"))).isEqualTo(ErrorCode.CHANNEL_NOT_AUTHORIZED);
        assertThat(code(authorizer.subscribe(p, "devices/\\x*"))).isEqualTo(ErrorCode.INVALID_CHANNEL);
        assertThat(code(authorizer.subscribe(p, "_system/*"))).isEqualTo(ErrorCode.CHANNEL_RESERVED);
        assertThat(code(authorizer.subscribe(perms(EnumSet.of(Action.PUBLISH), "**"), "room-1")))
                .isEqualTo(ErrorCode.ACTION_NOT_PERMITTED);
    }

    @Test
    void sendNeedsOnlyTheAction() {
        assertThat(authorizer.send(perms(EnumSet.of(Action.SEND), "nothing"))).isEmpty();
        assertThat(code(authorizer.send(perms(EnumSet.of(Action.PUBLISH), "**")))).isEqualTo(ErrorCode.ACTION_NOT_PERMITTED);
    }
}

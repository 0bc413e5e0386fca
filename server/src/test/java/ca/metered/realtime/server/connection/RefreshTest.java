package ca.metered.realtime.server.connection;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.server.auth.AuthOutcome;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.auth.TokenMinter;
import ca.metered.realtime.server.auth.TokenRequest;
import ca.metered.realtime.server.pubsub.Outcome;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** In-band token refresh on a connection (docs/protocol.md 9): the expiry close moves with the token. */
class RefreshTest {
    private final CoreFixture core = new CoreFixture();
    private final TokenMinter minter = new TokenMinter(core.time.clock());

    private String token(String sub, long expiresInSec, List<String> permissions) {
        return minter.mint(core.app().secretKeys().get(0),
                new TokenRequest(sub, null, permissions, expiresInSec, null, null)).token();
    }

    /** Lets time pass with the client answering keepalives, so only the expiry can close it. */
    private void advance(CoreFixture.Client c, Duration d) {
        Duration step = Duration.ofSeconds(5);
        while (d.compareTo(step) > 0) {
            core.time.advance(step);
            c.connection().touched(core.time.nanoTime());
            d = d.minus(step);
        }
        core.time.advance(d);
    }

    private CoreFixture.Client connect(String token) {
        AuthOutcome o = core.authenticator.authenticate(null, token, null);
        return core.connect(((AuthOutcome.Granted) o).grant());
    }

    @Test
    void aRefreshedConnectionOutlivesItsFirstTokenAndClosesAtTheNewOnesExpiry() {
        CoreFixture.Client c = connect(token("alice", 60, null));
        advance(c, Duration.ofSeconds(30));
        Outcome<Long> o = core.connections.refresh(c.connection(), token("alice", 120, null));
        long newExp = core.time.clock().instant().getEpochSecond() + 120;
        assertThat(o).isEqualTo(Outcome.done(newExp));
        assertThat(c.connection().grant().expiresAtEpochSeconds()).isEqualTo(newExp);
        advance(c, Duration.ofSeconds(60));
        assertThat(c.link().closeCode()).as("the first token's expiry no longer closes it").isNull();
        advance(c, Duration.ofSeconds(60).minusMillis(Connections.EXPIRY_LEAD_MS + 1));
        assertThat(c.link().closeCode()).isNull();
        advance(c, Duration.ofMillis(1));
        assertThat(c.link().closeCode()).isEqualTo(4002);
    }

    @Test
    void aRefusedRefreshChangesNothing() {
        CoreFixture.Client c = connect(token("alice", 60, null));
        Grant before = c.connection().grant();
        Outcome<Long> wrongPeer = core.connections.refresh(c.connection(), token("bob", 600, null));
        assertThat(((Outcome.Refused<Long>) wrongPeer).refusal().code()).isEqualTo(ErrorCode.TOKEN_MISMATCH);
        Outcome<Long> narrower = core.connections.refresh(c.connection(), token("alice", 600, List.of("subscribe")));
        assertThat(((Outcome.Refused<Long>) narrower).refusal().code()).isEqualTo(ErrorCode.PERMISSIONS_MISMATCH);
        assertThat(c.connection().grant()).isEqualTo(before);
        advance(c, Duration.ofSeconds(60));
        assertThat(c.link().closeCode()).isEqualTo(4002);
    }

    @Test
    void aConnectionWithoutATokenCannotRefresh() {
        CoreFixture.Client c = core.connect(core.grant("anon", EnumSet.allOf(Action.class)));
        Outcome<Long> o = core.connections.refresh(c.connection(), token("anon", 600, null));
        assertThat(((Outcome.Refused<Long>) o).refusal().code()).isEqualTo(ErrorCode.REFRESH_NOT_ALLOWED);
    }
}

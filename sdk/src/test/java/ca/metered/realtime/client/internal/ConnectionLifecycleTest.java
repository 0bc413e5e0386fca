package ca.metered.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.InvalidStateException;
import ca.metered.realtime.client.ReconnectOptions;
import ca.metered.realtime.client.SignallingConnectException;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.client.TokenProviderException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionLifecycleTest {

    @Test
    void connectCompletesOnWelcomeWithOneStateChangePerTransition() {
        Harness h = new Harness();
        CompletableFuture<Void> f = h.client.connect();
        assertThat(f).isNotDone();
        assertThat(h.client.state()).isEqualTo(ClientState.CONNECTING);
        FakeTransport.FakeSocket s = h.transport.last();
        assertThat(s.uri.toString()).isEqualTo("ws://localhost:9/v1?key=pk_test_secret");
        s.welcome("p-9", 1024, null);
        assertThat(f).isCompleted();
        assertThat(h.client.peerId()).isEqualTo("p-9");
        assertThat(h.events).containsExactly(
                new ClientEvent.StateChange(ClientState.IDLE, ClientState.CONNECTING),
                new ClientEvent.StateChange(ClientState.CONNECTING, ClientState.CONNECTED),
                new ClientEvent.Connected("p-9", 1700000000L, null, false, 1024, null));
    }

    @Test
    void connectIsRejectedWhileConnecting() {
        Harness h = new Harness();
        h.client.connect();
        assertThat(Harness.cause(h.client.connect())).isInstanceOf(InvalidStateException.class);
    }

    @Test
    void firstConnectFailureCarriesTheCloseCodeAndIsNotRetried() {
        Harness h = new Harness();
        CompletableFuture<Void> f = h.client.connect();
        h.transport.last().open().serverClose(4010, "over limit");
        SignallingConnectException e = (SignallingConnectException) Harness.cause(f);
        assertThat(e.closeCode()).isEqualTo(4010);
        assertThat(e.closeReason()).isEqualTo("over limit");
        assertThat(e.getMessage()).doesNotContain("over limit");
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(h.events(ClientEvent.Disconnected.class))
                .containsExactly(new ClientEvent.Disconnected(4010, "over limit", false));
        h.advance(3_600_000);
        assertThat(h.transport.sockets).hasSize(1);
    }

    @Test
    void welcomeTimeoutClosesWith4000AndFailsConnect() {
        Harness h = new Harness();
        CompletableFuture<Void> f = h.client.connect();
        h.transport.last().open();
        h.advance(9_999);
        assertThat(f).isNotDone();
        h.advance(1);
        SignallingConnectException e = (SignallingConnectException) Harness.cause(f);
        assertThat(e.code()).isEqualTo("welcome_timeout");
        assertThat(h.transport.last().clientCloseCode).isEqualTo(4000);
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
    }

    @Test
    void reconnectsWithExponentialBackoffAfterADrop() {
        Harness h = new Harness();
        h.connected().serverClose(1006, "");
        assertThat(h.client.state()).isEqualTo(ClientState.RECONNECTING);
        assertThat(h.events(ClientEvent.Disconnected.class)).containsExactly(new ClientEvent.Disconnected(1006, "", true));
        long[] expected = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (long delay : expected) {
            int before = h.transport.sockets.size();
            h.advance(delay - 1);
            assertThat(h.transport.sockets).hasSize(before);
            h.advance(1);
            assertThat(h.transport.sockets).hasSize(before + 1);
            h.transport.last().open().serverClose(1006, ""); // fails before welcome
            assertThat(h.client.state()).isEqualTo(ClientState.RECONNECTING);
        }
        h.advance(30_000);
        h.transport.last().welcome();
        assertThat(h.client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(h.events(ClientEvent.Connected.class)).extracting(ClientEvent.Connected::isReconnect)
                .containsExactly(false, true);
        // The welcome reset the attempt counter.
        h.transport.last().serverClose(1001, "going away");
        h.advance(500);
        assertThat(h.transport.sockets).hasSize(11);
    }

    @Test
    void stateChangesAcrossADropAndReconnectAreExactlyOnePerTransition() {
        Harness h = new Harness();
        h.connected().serverClose(1006, "");
        h.advance(500);
        h.transport.last().open().serverClose(1006, "");
        h.advance(1000);
        h.transport.last().welcome();
        assertThat(h.events(ClientEvent.StateChange.class)).extracting(e -> e.from() + ">" + e.to()).containsExactly(
                "IDLE>CONNECTING", "CONNECTING>CONNECTED", "CONNECTED>RECONNECTING", "RECONNECTING>CONNECTED");
    }

    @ParameterizedTest
    @ValueSource(ints = {4001, 4003, 4012, 4020})
    void terminalCloseCodesStopReconnecting(int code) {
        Harness h = new Harness();
        h.connected().serverClose(code, "bye");
        assertThat(h.events(ClientEvent.Disconnected.class)).containsExactly(new ClientEvent.Disconnected(code, "bye", false));
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
        h.advance(3_600_000);
        assertThat(h.transport.sockets).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1001, 1006, 1008, 1009, 4000, 4002, 4011})
    void otherCloseCodesBackOffNormally(int code) {
        Harness h = new Harness();
        h.connected().serverClose(code, "");
        h.advance(500);
        assertThat(h.transport.sockets).hasSize(2);
    }

    @Test
    void overConcurrentLimitDelayIsThirtySecondsPlusMinusJitterLikeJs() {
        // JS 1.2.0 jitters around the 30 s floor: 24 s with the lowest draw (seeds say "at least 30 s").
        Harness h = new Harness();
        h.random = 0.0;
        h.connected().serverClose(4010, "limit");
        h.advance(23_999);
        assertThat(h.transport.sockets).hasSize(1);
        h.advance(1);
        assertThat(h.transport.sockets).hasSize(2);
    }

    @Test
    void defaultReconnectGivesUpAfter100Attempts() {
        Harness h = new Harness();
        h.connected().serverClose(1006, "");
        for (int attempt = 1; attempt <= 100; attempt++) {
            h.advance(Math.min(500L << Math.min(attempt - 1, 20), 30_000)); // 500 ms, 1 s, 2 s, ... 30 s
            assertThat(h.transport.sockets).as("attempt %d", attempt).hasSize(attempt + 1);
            h.transport.last().open().serverClose(1006, "");
        }
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
        List<ClientEvent.Disconnected> d = h.events(ClientEvent.Disconnected.class);
        assertThat(d).hasSize(101);
        assertThat(d.subList(0, 100)).allMatch(ClientEvent.Disconnected::willReconnect);
        assertThat(d.get(100).willReconnect()).isFalse();
        h.advance(3_600_000);
        assertThat(h.transport.sockets).hasSize(101);
    }

    @Test
    void defaultTokenProviderTimeoutIsTenSeconds() {
        Harness h = new Harness(b -> b.tokenProvider(CompletableFuture::new));
        CompletableFuture<Void> f = h.client.connect();
        h.advance(9_999);
        assertThat(f).isNotDone();
        h.advance(1);
        assertThat(((TokenProviderException) Harness.cause(f)).code()).isEqualTo("token_provider_timeout");
        assertThat(Harness.cause(f)).hasMessage("tokenProvider did not resolve within 10000ms");
    }

    @Test
    void overConcurrentLimitForcesAtLeastThirtySecondsOnce() {
        Harness h = new Harness();
        h.connected().serverClose(4010, "limit");
        h.advance(29_999);
        assertThat(h.transport.sockets).hasSize(1);
        h.advance(1);
        assertThat(h.transport.sockets).hasSize(2);
        h.transport.last().open().serverClose(1006, ""); // floor consumed: attempt 2 → 1000 ms
        h.advance(1000);
        assertThat(h.transport.sockets).hasSize(3);
    }

    @Test
    void givesUpAfterMaxAttemptsWithAFinalDisconnected() {
        Harness h = new Harness(b -> b.reconnect(ReconnectOptions.builder().maxAttempts(2).jitterRatio(0).build()));
        h.connected().serverClose(1006, "");
        h.advance(500);
        h.transport.last().open().serverClose(1006, "");
        h.advance(1000);
        h.transport.last().open().serverClose(1006, "x");
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(h.events(ClientEvent.Disconnected.class)).extracting(ClientEvent.Disconnected::willReconnect)
                .containsExactly(true, true, false);
        h.advance(3_600_000);
        assertThat(h.transport.sockets).hasSize(3);
    }

    @Test
    void reconnectDisabledEndsInClosed() {
        Harness h = new Harness(b -> b.reconnectDisabled());
        h.connected().serverClose(1006, "");
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(h.events(ClientEvent.Disconnected.class)).containsExactly(new ClientEvent.Disconnected(1006, "", false));
    }

    @Test
    void closeIsTerminalAndCancelsAScheduledReconnect() {
        Harness h = new Harness();
        h.connected().serverClose(1006, "");
        CompletableFuture<Void> closed = h.client.close(1000, "done");
        assertThat(closed).isCompleted();
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
        h.advance(3_600_000);
        assertThat(h.transport.sockets).hasSize(1);
    }

    @Test
    void closeSendsTheCodeAndWaitsAtMostOneSecondForTheCloseEvent() {
        Harness h = new Harness();
        h.transport.echoClientClose = false;
        FakeTransport.FakeSocket s = h.connected();
        CompletableFuture<Void> closed = h.client.close(4321, "bye");
        assertThat(s.clientCloseCode).isEqualTo(4321);
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(closed).isNotDone();
        h.advance(1000);
        assertThat(closed).isCompleted();
        s.serverClose(4321, "bye"); // late close event: disconnected, but no reconnect
        assertThat(h.events(ClientEvent.Disconnected.class)).containsExactly(new ClientEvent.Disconnected(4321, "bye", false));
        h.advance(60_000);
        assertThat(h.transport.sockets).hasSize(1);
    }

    @Test
    void connectAgainAfterCloseStartsOver() {
        Harness h = new Harness();
        h.connected();
        h.client.close(1000, "x");
        CompletableFuture<Void> f = h.client.connect();
        h.transport.last().welcome();
        assertThat(f).isCompleted();
        assertThat(h.events(ClientEvent.Connected.class)).extracting(ClientEvent.Connected::isReconnect)
                .containsExactly(false, false);
    }

    @Test
    void transportConstructionFailureFailsConnect() {
        Harness h = new Harness();
        h.transport.failConstruction = true;
        SignallingConnectException e = (SignallingConnectException) Harness.cause(h.client.connect());
        assertThat(e.closeCode()).isEqualTo(1006);
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
    }

    @Test
    void staleSocketEventsAreIgnored() {
        Harness h = new Harness();
        FakeTransport.FakeSocket first = h.connected();
        first.serverClose(1006, "");
        h.advance(500);
        FakeTransport.FakeSocket second = h.transport.last().welcome();
        first.receive("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"x\",\"data\":1}");
        first.serverClose(1006, "again");
        assertThat(h.events(ClientEvent.Message.class)).isEmpty();
        assertThat(h.client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(second.closed).isFalse();
    }

    // ------------------------------------------------------------ token provider

    @Test
    void tokenProviderIsCalledOnEveryConnectAttempt() {
        AtomicInteger calls = new AtomicInteger();
        Harness h = new Harness(b -> b.tokenProvider(() ->
                CompletableFuture.completedFuture("jwt-" + calls.incrementAndGet())));
        h.connected();
        assertThat(h.transport.last().uri.getQuery()).isEqualTo("token=jwt-1");
        h.transport.last().serverClose(4002, "token expired");
        h.advance(500);
        assertThat(h.transport.last().uri.getQuery()).isEqualTo("token=jwt-2");
        assertThat(calls).hasValue(2);
    }

    @Test
    void tokenProviderTimeoutFailsAFirstConnect() {
        Harness h = new Harness(b -> b.tokenProvider(CompletableFuture::new).tokenProviderTimeout(Duration.ofSeconds(3)));
        CompletableFuture<Void> f = h.client.connect();
        h.advance(2_999);
        assertThat(f).isNotDone();
        h.advance(1);
        assertThat(((TokenProviderException) Harness.cause(f)).code()).isEqualTo("token_provider_timeout");
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(h.transport.sockets).isEmpty();
    }

    @Test
    void emptyOrThrowingTokensAreFailures() {
        Harness empty = new Harness(b -> b.tokenProvider(TokenProvider.fixed("")));
        assertThat(((TokenProviderException) Harness.cause(empty.client.connect())).code()).isEqualTo("token_provider_error");
        Harness throwing = new Harness(b -> b.tokenProvider(() -> {
            throw new IllegalStateException("backend down https://x/?token=abc");
        }));
        Throwable e = Harness.cause(throwing.client.connect());
        assertThat(e).isInstanceOf(TokenProviderException.class);
        assertThat(e.getMessage()).contains("token=***").doesNotContain("abc");
    }

    @Test
    void threeConsecutiveTokenFailuresFireTheEventAndRetriesContinue() {
        AtomicInteger calls = new AtomicInteger();
        Harness h = new Harness(b -> b.tokenProvider(() -> calls.incrementAndGet() == 1
                ? CompletableFuture.completedFuture("ok")
                : CompletableFuture.failedFuture(new RuntimeException("mint failed"))));
        h.connected().serverClose(1006, "");
        h.advance(500);   // failure 1
        h.advance(1000);  // failure 2
        assertThat(h.events(ClientEvent.TokenProviderError.class)).isEmpty();
        h.advance(2000);  // failure 3
        h.advance(4000);  // failure 4
        assertThat(h.events(ClientEvent.TokenProviderError.class)).extracting(ClientEvent.TokenProviderError::consecutiveFailures)
                .containsExactly(3, 4);
        assertThat(h.client.state()).isEqualTo(ClientState.RECONNECTING);
        assertThat(h.transport.sockets).hasSize(1);
        assertThat(h.events(ClientEvent.Disconnected.class)).hasSize(1); // token failures do not fire disconnected
    }

    @Test
    void tokenFailuresThatExhaustAttemptsEndClosedWithAFinalDisconnected() {
        AtomicInteger calls = new AtomicInteger();
        Harness h = new Harness(b -> b.reconnect(ReconnectOptions.builder().maxAttempts(2).build())
                .tokenProvider(() -> calls.incrementAndGet() == 1 ? CompletableFuture.completedFuture("ok")
                        : CompletableFuture.failedFuture(new RuntimeException("no"))));
        h.connected().serverClose(1006, "");
        h.advance(500);
        h.advance(1000);
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
        List<ClientEvent.Disconnected> d = h.events(ClientEvent.Disconnected.class);
        assertThat(d).hasSize(2);
        assertThat(d.get(1).willReconnect()).isFalse();
    }

    @Test
    void closeDuringTokenResolutionWins() {
        CompletableFuture<String> token = new CompletableFuture<>();
        Harness h = new Harness(b -> b.tokenProvider(() -> token));
        CompletableFuture<Void> f = h.client.connect();
        h.client.close(1000, "x");
        token.complete("late");
        assertThat(Harness.cause(f)).isInstanceOf(InvalidStateException.class);
        assertThat(h.transport.sockets).isEmpty();
        assertThat(h.client.state()).isEqualTo(ClientState.CLOSED);
    }
}

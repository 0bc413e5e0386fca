package ca.metered.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.ReconnectOptions;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.client.internal.StateMachine.Trigger;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @Test
    void stateMachineTableCoversEveryStateAndTrigger() {
        ClientState I = ClientState.IDLE, G = ClientState.CONNECTING, C = ClientState.CONNECTED,
                R = ClientState.RECONNECTING, X = ClientState.CLOSED;
        // columns: CONNECT, WELCOME, DROP_RETRY, DROP_TERMINAL, CLOSE (null = not allowed)
        Map<ClientState, ClientState[]> expected = new EnumMap<>(ClientState.class);
        expected.put(I, new ClientState[] {G, null, null, null, X});
        expected.put(G, new ClientState[] {null, C, R, X, X});
        expected.put(C, new ClientState[] {null, null, R, X, X});
        expected.put(R, new ClientState[] {null, C, R, X, X});
        expected.put(X, new ClientState[] {G, null, null, X, X});
        for (ClientState s : ClientState.values()) {
            for (Trigger t : Trigger.values()) {
                assertThat(StateMachine.next(s, t)).as(s + " + " + t).isEqualTo(expected.get(s)[t.ordinal()]);
            }
        }
    }

    @Test
    void backoffFollowsTheCurveWithinJitterBounds() {
        ReconnectOptions o = ReconnectOptions.defaults();
        assertThat(new Backoff(o, () -> 0.5).delayMs(1, 0)).isEqualTo(500);
        assertThat(new Backoff(o, () -> 0.5).delayMs(3, 0)).isEqualTo(2000);
        assertThat(new Backoff(o, () -> 0.5).delayMs(50, 0)).isEqualTo(30_000);
        assertThat(new Backoff(o, () -> 0.0).delayMs(1, 0)).isEqualTo(400);
        assertThat(new Backoff(o, () -> 0.999999).delayMs(1, 0)).isBetween(599L, 600L);
        assertThat(new Backoff(o, () -> 0.0).delayMs(1, Backoff.SLOW_FLOOR_MS)).isEqualTo(24_000);
        java.util.Random r = new java.util.Random(42);
        Backoff seeded = new Backoff(o, r::nextDouble);
        for (int i = 0; i < 1000; i++) {
            assertThat(seeded.delayMs(4, 0)).isBetween(3200L, 4800L);
        }
    }

    @Test
    void iceServersAreParsedFailClosed() throws Exception {
        assertThat(IceServerParser.parse(json("{\"iceServers\":[{\"urls\":[\"stun:a\",\"TURNS:b\"],\"username\":5}]}")))
                .singleElement().satisfies(s -> {
                    assertThat(s.urls()).containsExactly("stun:a", "TURNS:b");
                    assertThat(s.username()).isNull();
                });
        assertThat(IceServerParser.parse(json("{\"iceServers\":[{\"urls\":\"turn:a\"},{\"urls\":\"http://x\"}]}"))).isNull();
        assertThat(IceServerParser.parse(json("{\"iceServers\":[{\"urls\":[]}]}"))).isNull();
        assertThat(IceServerParser.parse(json("{\"iceServers\":[{\"urls\":\"turn:" + "a".repeat(508) + "\"}]}"))).isNull();
        assertThat(IceServerParser.parse(json("{\"iceServers\":[{\"urls\":\"turn:a\",\"credential\":\""
                + "c".repeat(1025) + "\"}]}"))).isNull();
        assertThat(IceServerParser.parse(json("{\"iceServers\":[" + "{\"urls\":\"stun:a\"},".repeat(16)
                + "{\"urls\":\"stun:a\"}]}"))).isNull();
        assertThat(IceServerParser.parse(json("{\"iceServers\":{}}"))).isNull();
        assertThat(IceServerParser.parse(json("[1]"))).isNull();
        assertThat(IceServerParser.parse(null)).isNull();
    }

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://example.com", "http://localhost", "wss://h/path", "wss://h?x=1", "wss://h#f",
            "wss://user:pw@h", "not a url", "wss://"})
    void badUrlsAreRejectedAtBuild(String url) {
        assertThatThrownBy(() -> SignallingClientOptions.builder().apiKey("k").url(url).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("pw");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wss://rms.example.com", "wss://rms.example.com/", "ws://localhost:8080",
            "ws://127.0.0.1", "ws://[::1]:9"})
    void goodUrlsAreNormalisedToTheOrigin(String url) {
        String origin = SignallingClientOptions.builder().apiKey("k").url(url).build().url().toString();
        assertThat(origin).doesNotEndWith("/").startsWith(url.substring(0, 5));
    }

    @Test
    void optionsValidation() {
        assertThatThrownBy(() -> SignallingClientOptions.builder().build()).hasMessageContaining("one of apiKey");
        assertThatThrownBy(() -> SignallingClientOptions.builder().apiKey("k").tokenProvider(TokenProvider.fixed("t"))
                .build()).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> SignallingClientOptions.builder().apiKey("k").tokenProviderTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SignallingClientOptions.builder().apiKey("k").inactivityTimeout(Duration.ofSeconds(-1))
                .build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectOptions.builder().multiplier(0.5).build()).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> ReconnectOptions.builder().jitterRatio(1.5).build()).hasMessageContaining("jitterRatio");
        assertThatThrownBy(() -> ReconnectOptions.builder().maxAttempts(0).build()).hasMessageContaining("maxAttempts");
        SignallingClientOptions o = SignallingClientOptions.builder().apiKey("pk_secret").build();
        assertThat(o.toString()).doesNotContain("pk_secret");
        assertThat(o.url().toString()).isEqualTo("wss://rms.metered.ca");
        assertThat(o.inactivityTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.reconnect()).contains(ReconnectOptions.defaults());
    }

    @Test
    void scrubRemovesCredentials() {
        assertThat(Scrub.credentials("wss://h/v1?key=pk_1&x=2 and ?token=ey.J.w"))
                .isEqualTo("wss://h/v1?key=***&x=2 and ?token=***");
    }
}

package ca.metered.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.client.AckTimeoutException;
import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.DisconnectedException;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.client.InvalidArgumentException;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.InvalidStateException;
import ca.metered.realtime.client.NotConnectedException;
import ca.metered.realtime.client.OversizedPayloadException;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.client.ServerRequestException;
import ca.metered.realtime.client.SubscribeOptions;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RequestsAndEventsTest {
    record Reading(String sensor, int value) {
    }

    @Test
    void publishCompletesOnAckAndSendsTheExactFrame() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        CompletableFuture<Void> f = h.client.publish("alerts", Map.of("sensor", "T-12"));
        assertThat(s.sent).containsExactly(
                "{\"type\":\"publish\",\"channel\":\"alerts\",\"data\":{\"sensor\":\"T-12\"},\"requestId\":\"r1\"}");
        assertThat(f).isNotDone();
        s.ackLast();
        assertThat(f).isCompleted();
    }

    @Test
    void acceptsPojosTreesAndPrimitives() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        h.client.send("bob", new Reading("T", 3));
        assertThat(s.lastSent().get("data").toString()).isEqualTo("{\"sensor\":\"T\",\"value\":3}");
        h.client.publish("c", NullNode.getInstance());
        assertThat(s.lastSent().get("data").isNull()).isTrue();
        h.client.publish("c", List.of(1, "two", true));
        assertThat(s.lastSent().get("data").toString()).isEqualTo("[1,\"two\",true]");
    }

    @Test
    void badArgumentsFailTheFutureWithInvalidArgsAndSendNothing() {
        // The one error rule: a method returning a future never throws (JS: async methods reject).
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        int sent = s.sent.size();
        List<CompletableFuture<Void>> calls = List.of(
                h.client.publish("c", null),
                h.client.publish("", 1),
                h.client.publish("x".repeat(257), 1),
                h.client.publish("é".repeat(129), 1),          // 129 chars but 258 bytes: docs/protocol.md 2.4 counts bytes
                h.client.subscribe(null),
                h.client.subscribe("c", null),
                h.client.unsubscribe("bad\u0001"),
                h.client.send("bad\u0001", 1),
                h.client.send("p".repeat(129), 1),
                h.client.send("caf\u00e9", 1),                // not printable ASCII (docs/protocol.md 5)
                h.client.publish("c", new Object() {
                    @SuppressWarnings("unused")
                    public Object getSelf() {
                        return this;                           // Jackson cannot serialise a cycle
                    }
                }));
        for (CompletableFuture<Void> f : calls) {
            Throwable e = Harness.cause(f);
            assertThat(e).isInstanceOf(InvalidArgumentException.class);
            assertThat(((InvalidArgumentException) e).code()).isEqualTo("invalid_args");
        }
        assertThat(s.sent).hasSize(sent);
        assertThat(h.client.trackedSubscriptions()).isEmpty();
        // Exactly 256 bytes is still a valid channel.
        h.client.publish("é".repeat(128), 1);
        assertThat(s.sent).hasSize(sent + 1);
    }

    @Test
    void correlatedServerErrorsFailTheRequestAndFireNoServerErrorAsInJs() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        CompletableFuture<Void> f = h.client.send("ghost", 1);
        s.errorLast("peer_not_found");
        ServerRequestException e = (ServerRequestException) Harness.cause(f);
        assertThat(e.code()).isEqualTo("peer_not_found");
        assertThat(e.requestId()).isEqualTo("r1");
        assertThat(e.temporary()).isTrue();
        assertThat(h.events(ClientEvent.ServerError.class)).isEmpty();
    }

    @Test
    void unknownServerCodesPassThrough() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        CompletableFuture<Void> f = h.client.publish("c", 1);
        s.errorLast("brand_new_code");
        ServerRequestException e = (ServerRequestException) Harness.cause(f);
        assertThat(e.code()).isEqualTo("brand_new_code");
        assertThat(e.errorCode()).isEmpty();
    }

    @Test
    void uncorrelatedErrorsBecomeServerErrorEventsExceptThePingUnknownType() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        s.receive("{\"type\":\"error\",\"code\":\"unknown_type\"}");
        s.receive("{\"type\":\"error\",\"code\":\"over_message_quota\",\"message\":\"quota\"}");
        assertThat(h.events(ClientEvent.ServerError.class))
                .containsExactly(new ClientEvent.ServerError("over_message_quota", "quota", null));
    }

    @Test
    void ackTimeoutAfterFifteenSeconds() {
        Harness h = new Harness(b -> b.inactivityTimeout(Duration.ZERO));
        h.connected();
        CompletableFuture<Void> f = h.client.publish("c", 1);
        h.advance(14_999);
        assertThat(f).isNotDone();
        h.advance(1);
        assertThat(Harness.cause(f)).isInstanceOf(AckTimeoutException.class);
    }

    @Test
    void dropBeforeAckFailsWithDisconnectedAfterTheDisconnectedEvent() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        List<String> order = new ArrayList<>();
        h.client.on(ClientEvent.Disconnected.class, e -> order.add("event"));
        CompletableFuture<Void> f = h.client.publish("c", 1);
        f.whenComplete((v, e) -> order.add("future"));
        s.serverClose(1006, "gone");
        DisconnectedException e = (DisconnectedException) Harness.cause(f);
        assertThat(e.closeCode()).isEqualTo(1006);
        assertThat(order).containsExactly("event", "future");
    }

    @Test
    void requestsWhileNotConnectedFailWithoutSending() {
        Harness h = new Harness();
        assertThat(Harness.cause(h.client.publish("c", 1))).isInstanceOf(NotConnectedException.class);
        h.client.connect();
        assertThat(Harness.cause(h.client.subscribe("c"))).isInstanceOf(NotConnectedException.class);
        assertThat(h.client.trackedSubscriptions()).isEmpty();
    }

    @Test
    void oversizedPayloadIsRejectedBeforeAnythingIsSent() {
        Harness h = new Harness();
        h.client.connect();
        FakeTransport.FakeSocket s = h.transport.last().welcome("p", 100, null);
        CompletableFuture<Void> f = h.client.publish("c", "x".repeat(99)); // 101 bytes with quotes
        OversizedPayloadException e = (OversizedPayloadException) Harness.cause(f);
        assertThat(e.size()).isEqualTo(101);
        assertThat(e.cap()).isEqualTo(100);
        assertThat(s.sent).isEmpty();
        h.client.publish("c", "é".repeat(49)); // 98 UTF-8 bytes + 2 quotes = 100: allowed
        assertThat(s.sent).hasSize(1);
    }

    @Test
    void subscribeTracksWithOptionsAndResubscribesAfterReconnect() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        h.client.subscribe("a", SubscribeOptions.withSenderMetadata());
        assertThat(s.lastSent().get("includeSenderMetadata").asBoolean()).isTrue();
        s.ackLast();
        h.client.subscribe("b");
        s.ackLast();
        h.client.subscribe("c");
        h.client.unsubscribe("c");
        s.serverClose(1006, "");
        h.advance(500);
        FakeTransport.FakeSocket s2 = h.transport.last().welcome();
        assertThat(s2.sent).hasSize(2);
        assertThat(s2.sentJson(0).get("channel").asText()).isEqualTo("a");
        assertThat(s2.sentJson(0).get("includeSenderMetadata").asBoolean()).isTrue();
        assertThat(s2.sentJson(1).get("channel").asText()).isEqualTo("b");
        assertThat(s2.sentJson(1).has("includeSenderMetadata")).isFalse();
    }

    @Test
    void replayFailuresRetryThreeTimesTwoSecondsApart() {
        Harness h = new Harness(b -> b.inactivityTimeout(Duration.ZERO));
        FakeTransport.FakeSocket s = h.connected();
        h.client.subscribe("a");
        s.ackLast();
        s.serverClose(1006, "");
        h.advance(500);
        FakeTransport.FakeSocket s2 = h.transport.last().welcome();
        for (int retry = 1; retry <= 3; retry++) {
            s2.errorLast("backend_error");
            h.advance(1_999);
            assertThat(s2.sent).hasSize(retry);
            h.advance(1);
            assertThat(s2.sent).hasSize(retry + 1);
        }
        s2.errorLast("backend_error");
        h.advance(60_000);
        assertThat(s2.sent).hasSize(4);
        assertThat(h.client.trackedSubscriptions()).containsKey("a"); // kept for the next reconnect
    }

    @Test
    void noReplayWhenAutoResubscribeIsOff() {
        Harness h = new Harness(b -> b.autoResubscribe(false));
        FakeTransport.FakeSocket s = h.connected();
        h.client.subscribe("a");
        s.ackLast();
        s.serverClose(1006, "");
        h.advance(500);
        assertThat(h.transport.last().welcome().sent).isEmpty();
    }

    @Test
    void inactivityWatchdogPingsTwiceThenClosesWith4000() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        h.advance(20_000);
        assertThat(s.sent).containsExactly("{\"type\":\"ping\"}");
        h.advance(20_000);
        assertThat(s.sent).hasSize(2);
        s.receive("{\"type\":\"pong\"}"); // traffic re-arms both timers
        h.advance(59_999);
        assertThat(s.clientCloseCode).isNull();
        h.advance(1);
        assertThat(s.clientCloseCode).isEqualTo(4000);
        assertThat(h.events(ClientEvent.Disconnected.class).get(0).willReconnect()).isTrue();
    }

    @Test
    void keepaliveIntervalIsAThirdOfTheTimeoutButAtLeastOneSecond() {
        Harness h = new Harness(b -> b.inactivityTimeout(Duration.ofMillis(1500)));
        FakeTransport.FakeSocket s = h.connected();
        h.advance(999);
        assertThat(s.sent).isEmpty();
        h.advance(1);
        assertThat(s.sent).hasSize(1);
    }

    @Test
    void zeroInactivityTimeoutDisablesWatchdogAndPing() {
        Harness h = new Harness(b -> b.inactivityTimeout(Duration.ZERO));
        FakeTransport.FakeSocket s = h.connected();
        h.advance(3_600_000);
        assertThat(s.sent).isEmpty();
        assertThat(s.clientCloseCode).isNull();
    }

    @Test
    void oversizedInboundFrameClosesWith1009() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        s.receive("x".repeat(1_048_577));
        assertThat(s.clientCloseCode).isEqualTo(1009);
    }

    @Test
    void inboundFramesBecomeTypedEvents() {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        s.receive("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p2\",\"data\":{\"sensor\":\"T\",\"value\":7},"
                + "\"fromMetadata\":{\"name\":\"bob\"}}");
        s.receive("{\"type\":\"direct\",\"from\":\"p3\",\"data\":[1,2]}");
        s.receive("{\"type\":\"presence\",\"channel\":\"c\",\"joined\":[{\"peerId\":\"a\",\"metadata\":{\"n\":1}}],"
                + "\"left\":[{\"peerId\":\"b\"}]}");
        s.receive("{\"type\":\"going_away\",\"retryAfterMs\":5000}");
        s.receive("{\"type\":\"message\",\"channel\":\"c\"}"); // malformed: dropped with a log
        ClientEvent.Message m = h.events(ClientEvent.Message.class).get(0);
        assertThat(m.data(Reading.class)).isEqualTo(new Reading("T", 7));
        assertThat(m.fromMetadata().get("name").asText()).isEqualTo("bob");
        assertThat(m.toJson()).isEqualTo("{\"event\":\"message\",\"channel\":\"c\",\"from\":\"p2\","
                + "\"fromMetadata\":{\"name\":\"bob\"},\"data\":{\"sensor\":\"T\",\"value\":7}}");
        ClientEvent.Direct d = h.events(ClientEvent.Direct.class).get(0);
        assertThat(d.data(new com.fasterxml.jackson.core.type.TypeReference<List<Integer>>() { })).containsExactly(1, 2);
        assertThat(d.fromMetadata()).isNull();
        ClientEvent.Presence p = h.events(ClientEvent.Presence.class).get(0);
        assertThat(p.joined()).extracting(ClientEvent.PresencePeer::peerId).containsExactly("a");
        assertThat(p.left().get(0).metadata()).isNull();
        assertThat(h.events(ClientEvent.GoingAway.class)).containsExactly(new ClientEvent.GoingAway(5000));
        assertThat(h.events(ClientEvent.Message.class)).hasSize(1);
        assertThat(h.logs).contains("warn malformed inbound frame");
    }

    @Test
    void connectedCarriesValidatedIceServers() {
        Harness h = new Harness();
        h.client.connect();
        h.transport.last().welcome("p", 65536, "{\"iceServers\":[{\"urls\":\"turn:t.example.com\",\"username\":\"u\","
                + "\"credential\":\"secret\"}]}");
        ClientEvent.Connected c = h.events(ClientEvent.Connected.class).get(0);
        assertThat(c.iceServers()).containsExactly(new IceServer(List.of("turn:t.example.com"), "u", "secret"));
        assertThat(c.toJson()).doesNotContain("secret");
    }

    @Test
    void aThrowingListenerIsLoggedAndOthersStillRun() {
        Harness h = new Harness();
        List<String> seen = new ArrayList<>();
        h.client.on(ClientEvent.Connected.class, e -> {
            throw new IllegalStateException("boom");
        });
        h.client.on(ClientEvent.Connected.class, e -> seen.add(e.peerId()));
        h.connected();
        assertThat(seen).containsExactly("peer-1");
        assertThat(h.logs).anyMatch(l -> l.startsWith("error listener threw"));
    }

    @Test
    void onceFiresOnceAndRegistrationsRemove() {
        Harness h = new Harness();
        List<Object> once = new ArrayList<>();
        List<Object> all = new ArrayList<>();
        h.client.once(ClientEvent.StateChange.class, once::add);
        Registration r = h.client.on(ClientEvent.StateChange.class, all::add);
        h.client.connect();
        r.remove();
        h.transport.last().welcome();
        assertThat(once).hasSize(1);
        assertThat(all).hasSize(1);
    }

    @Test
    void eventStreamsAreBoundedAndDropTheOldest() throws Exception {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        try (EventStream<ClientEvent.Message> stream = h.client.events(ClientEvent.Message.class, 2)) {
            for (int i = 0; i < 3; i++) {
                s.receive("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":" + i + "}");
            }
            assertThat(stream.dropped()).isEqualTo(1);
            assertThat(stream.take().data().asInt()).isEqualTo(1);
            assertThat(stream.poll(Duration.ofMillis(1)).data().asInt()).isEqualTo(2);
            assertThat(stream.poll(Duration.ofMillis(1))).isNull();
            stream.close();
            assertThat(stream.take()).isNull();
        }
    }

    @Test
    void closeEndsOpenStreamsAfterTheFinalEvents() throws Exception {
        Harness h = new Harness();
        FakeTransport.FakeSocket s = h.connected();
        EventStream<ClientEvent.Message> messages = h.client.events(ClientEvent.Message.class);
        EventStream<ClientEvent> all = h.client.events(ClientEvent.class);
        s.receive("{\"type\":\"message\",\"channel\":\"c\",\"from\":\"p\",\"data\":1}");
        h.client.close(1000, "bye");
        // What was queued is still there, then the end signal (null), without waiting.
        assertThat(messages.take().data().asInt()).isEqualTo(1);
        assertThat(messages.take()).isNull();
        assertThat(messages.isClosed()).isTrue();
        List<String> tail = new ArrayList<>();
        ClientEvent e;
        while ((e = all.take()) != null) {
            tail.add(e.type().eventName());
        }
        assertThat(tail).containsExactly("message", "state-change", "disconnected");
        // Listeners survive close(); streams opened afterwards work for the next connect().
        List<ClientEvent> later = new ArrayList<>();
        h.client.on(ClientEvent.Connected.class, later::add);
        EventStream<ClientEvent.Connected> next = h.client.events(ClientEvent.Connected.class);
        h.client.connect();
        h.transport.last().welcome();
        assertThat(next.poll()).isNotNull();
        assertThat(later).hasSize(1);
    }

    @Test
    void closeEndsStreamsEvenWhenTheServerNeverAnswersTheClose() throws Exception {
        Harness h = new Harness();
        h.transport.echoClientClose = false;
        h.connected();
        EventStream<ClientEvent.Message> messages = h.client.events(ClientEvent.Message.class);
        h.client.close(1000, "bye");
        assertThat(messages.isClosed()).isFalse(); // still waiting for the close to flush
        h.advance(1000);
        assertThat(messages.take()).isNull();
    }

    @Test
    void disposeEndsStreamsDropsListenersAndIsTerminal() throws Exception {
        Harness h = new Harness();
        h.connected();
        EventStream<ClientEvent.StateChange> states = h.client.events(ClientEvent.StateChange.class);
        List<ClientEvent> seen = new ArrayList<>();
        h.client.on(ClientEvent.class, seen::add);
        h.client.dispose();
        assertThat(states.take().to()).isEqualTo(ClientState.CLOSED);
        assertThat(states.take()).isNull();
        assertThat(seen).extracting(ev -> ev.type().eventName()).containsExactly("state-change", "disconnected");
        assertThat(Harness.cause(h.client.connect())).isInstanceOf(InvalidStateException.class)
                .hasMessageContaining("disposed");
        assertThat(seen).hasSize(2); // no listener is left to hear anything
        h.client.dispose(); // idempotent
    }
}

package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SubscribeOptions;
import ca.metered.realtime.client.internal.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A scripted {@link SignallingClient}: events are injected by the test and delivered synchronously. */
final class FakeClient implements SignallingClient {
    record Sent(String to, JsonNode data) {
    }

    final List<Consumer<ClientEvent>> listeners = new CopyOnWriteArrayList<>();
    final List<Sent> directs = new ArrayList<>();
    final List<JsonNode> publishes = new ArrayList<>();
    final List<String> subscribes = new ArrayList<>();
    final List<String> unsubscribes = new ArrayList<>();
    ClientState state = ClientState.IDLE;
    String peerId = "m-local";
    List<IceServer> iceServers = List.of(new IceServer(List.of("turn:turn.example.com:3478"), "u", "c"));
    int maxMessageSize = 65_536;
    boolean autoAckSubscribe = true;
    CompletableFuture<Void> pendingSubscribe;

    void emit(ClientEvent e) {
        for (Consumer<ClientEvent> l : listeners) {
            l.accept(e);
        }
    }

    void welcome(boolean reconnect) {
        state = ClientState.CONNECTED;
        emit(new ClientEvent.Connected(peerId, 0, null, reconnect, maxMessageSize, iceServers));
    }

    void drop() {
        state = ClientState.RECONNECTING;
        emit(new ClientEvent.Disconnected(1006, "", true));
    }

    /** Directs whose data has top-level {@code type} (or key) {@code kind}, to {@code to}. */
    List<JsonNode> sentTo(String to, String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (Sent s : directs) {
            if (s.to.equals(to) && (kind.equals(s.data.path("type").asText()) || s.data.has(kind))) {
                out.add(s.data);
            }
        }
        return out;
    }

    @Override
    public ClientState state() {
        return state;
    }

    @Override
    public String peerId() {
        return peerId;
    }

    @Override
    public CompletableFuture<Void> connect() {
        welcome(false);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        state = ClientState.CLOSED;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        close(1000, "");
    }

    @Override
    public void dispose() {
        close();
        listeners.clear();
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return subscribe(channel, SubscribeOptions.DEFAULT);
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel, SubscribeOptions options) {
        subscribes.add(channel);
        if (autoAckSubscribe) {
            return CompletableFuture.completedFuture(null);
        }
        pendingSubscribe = new CompletableFuture<>();
        return pendingSubscribe;
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        unsubscribes.add(channel);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> publish(String channel, Object data) {
        publishes.add(Json.valueToTree(data));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<ca.metered.realtime.protocol.frame.StreamPosition> publish(String channel, Object data,
            ca.metered.realtime.client.PublishOptions options) {
        publishes.add(Json.valueToTree(data));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<ca.metered.realtime.client.HistoryPage> history(String channel, int limit) {
        return history(channel, limit, null);
    }

    @Override
    public CompletableFuture<ca.metered.realtime.client.HistoryPage> history(String channel, int limit,
            ca.metered.realtime.protocol.frame.StreamPosition since) {
        return CompletableFuture.completedFuture(new ca.metered.realtime.client.HistoryPage(java.util.List.of(), null));
    }

    @Override
    public CompletableFuture<Void> send(String peerId, Object data) {
        directs.add(new Sent(peerId, Json.valueToTree(data)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public <E extends ClientEvent> Registration on(Class<E> type, Consumer<? super E> listener) {
        Consumer<ClientEvent> c = e -> {
            if (type.isInstance(e)) {
                listener.accept(type.cast(e));
            }
        };
        listeners.add(c);
        return () -> listeners.remove(c);
    }

    @Override
    public <E extends ClientEvent> Registration once(Class<E> type, Consumer<? super E> listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <E extends ClientEvent> EventStream<E> events(Class<E> type) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <E extends ClientEvent> EventStream<E> events(Class<E> type, int capacity) {
        throw new UnsupportedOperationException();
    }
}

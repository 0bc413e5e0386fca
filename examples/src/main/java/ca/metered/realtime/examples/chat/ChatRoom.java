package ca.metered.realtime.examples.chat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SubscribeOptions;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One participant's view of a chat room on top of a {@link SignallingClient}: the roster from
 * presence (names from each peer's JWT {@code peerMetadata}), chat lines and typing indicators as
 * publishes, and the sender's name from {@code fromMetadata} (the room is joined with
 * {@link SubscribeOptions#withSenderMetadata()}), never from the message body.
 *
 * <p>Thread-safe. {@code onLine} is called on the client's callback thread.
 */
public final class ChatRoom implements AutoCloseable {
    /** A chat line as shown: who (from the server-stamped metadata) and what. */
    public record Line(String peerId, String username, String text) {
    }

    private final SignallingClient client;
    private final String channel;
    private final Consumer<String> onLine;
    private final Map<String, String> roster = new ConcurrentHashMap<>();
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final List<Registration> registrations = new ArrayList<>();

    public ChatRoom(SignallingClient client, String channel, Consumer<String> onLine) {
        this.client = client;
        this.channel = channel;
        this.onLine = onLine;
        registrations.add(client.on(ClientEvent.Presence.class, this::onPresence));
        registrations.add(client.on(ClientEvent.Message.class, this::onMessage));
        registrations.add(client.on(ClientEvent.Connected.class, c -> {
            // After a reconnect the server sends a fresh snapshot; peers that left meanwhile never
            // produce a "left", so start the roster over.
            if (c.isReconnect()) {
                roster.clear();
            }
        }));
    }

    /** Subscribes with sender metadata; completes on the ack (the roster snapshot follows). */
    public CompletableFuture<Void> join() {
        return client.subscribe(channel, SubscribeOptions.withSenderMetadata());
    }

    /** Publishes a chat line; the server does not echo it back, so it is added to {@link #lines()} on the ack. */
    public CompletableFuture<Void> say(String text) {
        return client.publish(channel, Map.of("type", "chat", "text", text)).thenRun(() -> {
            lines.add(new Line(client.peerId(), "me", text));
            onLine.accept("[me] " + text);
        });
    }

    /** A transient "is typing" signal; nothing stores it. */
    public CompletableFuture<Void> typing() {
        return client.publish(channel, Map.of("type", "typing"));
    }

    /** Others in the room: peerId to username, sorted by peerId. */
    public Map<String, String> roster() {
        return new TreeMap<>(roster);
    }

    /** Chat lines so far: received ones and this user's own (added when the server acked them). */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    private void onPresence(ClientEvent.Presence p) {
        if (!p.channel().equals(channel)) {
            return;
        }
        for (ClientEvent.PresencePeer peer : p.joined()) {
            String name = username(peer.metadata(), peer.peerId());
            roster.put(peer.peerId(), name);
            onLine.accept("* " + name + " joined");
        }
        for (ClientEvent.PresencePeer peer : p.left()) {
            String name = roster.remove(peer.peerId());
            onLine.accept("* " + (name == null ? peer.peerId() : name) + " left");
        }
    }

    private void onMessage(ClientEvent.Message m) {
        if (!m.channel().equals(channel)) {
            return;
        }
        String who = username(m.fromMetadata(), m.from());
        switch (m.data().path("type").asText()) {
            case "chat" -> {
                Line line = new Line(m.from(), who, m.data().path("text").asText());
                lines.add(line);
                onLine.accept("[" + who + "] " + line.text());
            }
            case "typing" -> onLine.accept("  " + who + " is typing…");
            default -> {
                // another app's message type: ignore
            }
        }
    }

    private static String username(JsonNode metadata, String fallback) {
        return metadata != null && metadata.hasNonNull("username") ? metadata.get("username").asText() : fallback;
    }

    /** Stops listening; the client stays open (close it separately). */
    @Override
    public void close() {
        registrations.forEach(Registration::remove);
    }
}

package ca.metered.realtime.examples.agents;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.examples.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The coordinator agent: knows the available workers from presence on {@code agents/roster} (only
 * peers whose metadata says {@code role: worker}), publishes each task to {@code tasks/<workerId>}
 * round-robin, and matches the workers' direct replies to tasks by {@code taskId}. Its JWT covers
 * {@code tasks/**}, so it can reach every worker while each worker only sees its own channel.
 *
 * <p>Thread-safe.
 */
public final class Coordinator implements AutoCloseable {
    private final SignallingClient client;
    private final Set<String> workers = new ConcurrentSkipListSet<>();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    public Coordinator(String url, Tokens tokens) {
        Tokens.Grant grant = new Tokens.Grant("coordinator", List.of("tasks/**", Worker.ROSTER),
                List.of("subscribe", "publish", "presence"), Map.of("role", "coordinator"));
        this.client = SignallingClient.create(SignallingClientOptions.builder().url(url)
                .tokenProvider(tokens.provider(grant)).build());
        client.on(ClientEvent.Presence.class, this::onPresence);
        client.on(ClientEvent.Direct.class, this::onResult);
        client.on(ClientEvent.Connected.class, c -> {
            if (c.isReconnect()) {
                workers.clear(); // the re-subscribe brings a fresh snapshot
            }
        });
    }

    public CompletableFuture<Void> start() {
        return client.connect().thenCompose(v -> client.subscribe(Worker.ROSTER));
    }

    /** Workers currently present, sorted. */
    public List<String> workers() {
        return new ArrayList<>(workers);
    }

    /**
     * Publishes a task to the next worker; completes with the worker's reply, or fails after
     * {@code timeout} (a worker that dropped mid-task never answers: resubmit).
     */
    public CompletableFuture<JsonNode> submit(String input, Duration timeout) {
        List<String> available = workers();
        if (available.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no worker present"));
        }
        String worker = available.get(Math.floorMod(next.getAndIncrement(), available.size()));
        String taskId = UUID.randomUUID().toString();
        CompletableFuture<JsonNode> result = new CompletableFuture<JsonNode>()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        pending.put(taskId, result);
        result.whenComplete((r, e) -> pending.remove(taskId));
        client.publish(Worker.taskChannel(worker), Map.of("taskId", taskId, "input", input))
                .exceptionally(e -> {
                    result.completeExceptionally(e);
                    return null;
                });
        return result;
    }

    private void onPresence(ClientEvent.Presence p) {
        for (ClientEvent.PresencePeer peer : p.joined()) {
            if (peer.metadata() != null && "worker".equals(peer.metadata().path("role").asText())) {
                workers.add(peer.peerId());
            }
        }
        p.left().forEach(peer -> workers.remove(peer.peerId()));
    }

    private void onResult(ClientEvent.Direct d) {
        CompletableFuture<JsonNode> f = pending.get(d.data().path("taskId").asText());
        // Only the worker the task went to may answer it.
        if (f != null && d.from().equals(d.data().path("worker").asText())) {
            f.complete(d.data());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}

package ca.metered.realtime.examples.agents;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.examples.Tokens;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker agent: takes tasks from {@code tasks/<workerId>} in a plain loop over an
 * {@link EventStream} and answers each with a direct {@code send} to the task's sender (the
 * server-stamped {@code from}, not a field of the task). It announces itself with presence on
 * {@code agents/roster}; its JWT's {@code peerMetadata} says what it can do.
 *
 * <p>The "work" is a word count standing in for an LLM call or a tool run.
 */
public final class Worker implements AutoCloseable {
    static final String ROSTER = "agents/roster";

    private final String id;
    private final SignallingClient client;
    private final EventStream<ClientEvent.Message> tasks;
    private final Thread loop;
    private final AtomicInteger done = new AtomicInteger();

    public Worker(String url, Tokens tokens, String id) {
        this.id = id;
        Tokens.Grant grant = new Tokens.Grant(id, List.of(taskChannel(id), ROSTER),
                List.of("subscribe", "presence", "send"), Map.of("role", "worker", "skills", List.of("count-words")));
        this.client = SignallingClient.create(SignallingClientOptions.builder().url(url)
                .tokenProvider(tokens.provider(grant)).build());
        this.tasks = client.events(ClientEvent.Message.class);
        this.loop = new Thread(this::work, "worker-" + id);
        loop.setDaemon(true);
    }

    static String taskChannel(String workerId) {
        return "tasks/" + workerId;
    }

    /** Connects, subscribes to its task channel and the roster, and starts the work loop. */
    public CompletableFuture<Void> start() {
        loop.start();
        return client.connect()
                .thenCompose(v -> client.subscribe(taskChannel(id)))
                .thenCompose(v -> client.subscribe(ROSTER));
    }

    private void work() {
        try {
            ClientEvent.Message m;
            while ((m = tasks.take()) != null) {
                if (!m.channel().equals(taskChannel(id))) {
                    continue;
                }
                String taskId = m.data().path("taskId").asText();
                String input = m.data().path("input").asText();
                int words = input.isBlank() ? 0 : input.trim().split("\\s+").length;
                client.send(m.from(), Map.of("taskId", taskId, "worker", id, "words", words))
                        .whenComplete((ok, e) -> {
                            if (e == null) {
                                done.incrementAndGet();
                            }
                        });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int completed() {
        return done.get();
    }

    /** Whether the work loop still runs (it ends by itself once the client is closed). */
    public boolean working() {
        return loop.isAlive();
    }

    /**
     * Closes the client; that ends the task stream, so the work loop's {@code take()} returns
     * {@code null} and the loop thread finishes on its own.
     */
    @Override
    public void close() {
        client.close();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package ca.metered.realtime.examples.agents;

import ca.metered.realtime.examples.Tokens;
import ca.metered.realtime.examples.Waits;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An AI-agent bus over directs: workers subscribe to {@code tasks/<workerId>}, the coordinator
 * publishes tasks there and gets each result back as a direct {@code send}.
 *
 * <p>Run against {@code ./rms serve} (the dev app prints its secret key id and secret):
 * <pre>
 * mvn -B -q -DskipTests package
 * E="java -cp examples/target/rms-examples.jar ca.metered.realtime.examples.agents.AgentBusExample"
 * $E ws://127.0.0.1:8080 sk_id_…:sk_secret_… worker worker-1     # as many as you like
 * $E ws://127.0.0.1:8080 sk_id_…:sk_secret_… coordinator "some text" "more text"
 * $E ws://127.0.0.1:8080 sk_id_…:sk_secret_… demo                # 3 workers, 9 tasks, then exits
 * </pre>
 */
public final class AgentBusExample {
    private AgentBusExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: AgentBusExample <url> <sk_id:sk_secret> worker <id> | coordinator <text>... | demo");
            System.exit(2);
        }
        Tokens tokens = new Tokens(args[0], args[1]);
        switch (args[2]) {
            case "worker" -> {
                try (Worker w = new Worker(args[0], tokens, args.length > 3 ? args[3] : "worker-1")) {
                    w.start().join();
                    System.out.println("waiting for tasks; Ctrl-C to stop");
                    Thread.currentThread().join(); // until killed
                }
            }
            case "coordinator" -> {
                try (Coordinator c = new Coordinator(args[0], tokens)) {
                    c.start().join();
                    Waits.until(() -> !c.workers().isEmpty(), Duration.ofSeconds(30), "a worker");
                    for (int i = 3; i < args.length; i++) {
                        System.out.println(c.submit(args[i], Duration.ofSeconds(30)).join());
                    }
                }
            }
            case "demo" -> run(args[0], args[1], 3, 9).forEach(System.out::println);
            default -> {
                System.err.println("unknown role " + args[2]);
                System.exit(2);
            }
        }
    }

    /**
     * Bounded demo: {@code workers} workers, one coordinator, {@code tasks} tasks ("w1 w2 … wN" for
     * task N, so the answer is N words); returns the replies in task order.
     */
    public static List<JsonNode> run(String url, String secretKey, int workers, int tasks) {
        Tokens tokens = new Tokens(url, secretKey);
        List<Worker> pool = new ArrayList<>();
        try (Coordinator coordinator = new Coordinator(url, tokens)) {
            coordinator.start().join();
            for (int i = 1; i <= workers; i++) {
                Worker w = new Worker(url, tokens, "worker-" + i);
                pool.add(w);
                w.start().join();
            }
            Waits.until(() -> coordinator.workers().size() == workers, Duration.ofSeconds(20), "every worker's presence");
            List<CompletableFuture<JsonNode>> results = new ArrayList<>();
            for (int t = 1; t <= tasks; t++) {
                StringBuilder text = new StringBuilder();
                for (int w = 1; w <= t; w++) {
                    text.append("w").append(w).append(' ');
                }
                results.add(coordinator.submit(text.toString(), Duration.ofSeconds(20)));
            }
            return results.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.forEach(Worker::close);
        }
    }
}

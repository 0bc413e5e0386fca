package ca.metered.realtime.examples.agents;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.it.RealServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentBusExampleIT {
    @Test
    void everyTaskIsAnsweredByDirectAndTheWorkIsSpreadOverAllWorkers() {
        try (RealServer server = RealServer.start(0)) {
            List<JsonNode> replies = AgentBusExample.run(server.url(), RealServer.SECRET_KEY, 3, 9);

            assertThat(replies).hasSize(9);
            for (int i = 0; i < replies.size(); i++) {
                assertThat(replies.get(i).get("words").asInt()).as("task %d", i + 1).isEqualTo(i + 1);
            }
            assertThat(replies.stream().map(r -> r.get("worker").asText()).distinct().sorted().toList())
                    .containsExactly("worker-1", "worker-2", "worker-3");
        }
    }

    @Test
    void closingAWorkerEndsItsLoopBecauseTheClientEndsItsEventStream() throws Exception {
        try (RealServer server = RealServer.start(0)) {
            ca.metered.realtime.examples.Tokens tokens = new ca.metered.realtime.examples.Tokens(server.url(),
                    RealServer.SECRET_KEY);
            Worker w = new Worker(server.url(), tokens, "worker-x");
            w.start().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(w.working()).isTrue();
            w.close(); // no special stop signal: close() ends the stream, take() returns null
            assertThat(w.working()).isFalse();
        }
    }
}

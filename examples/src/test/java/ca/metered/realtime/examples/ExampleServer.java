package ca.metered.realtime.examples;

import ca.metered.realtime.server.Node;
import ca.metered.realtime.server.config.ConfigLoader;
import ca.metered.realtime.server.transport.RmsServer;
import java.util.Map;

/** The real server in-process on a free loopback port, for running the examples in tests. */
public final class ExampleServer implements AutoCloseable {
    public static final String SECRET_KEY = "sk_id_demo:sk_secret_demo_change_me";

    private static final String YAML = """
            server:
              host: 127.0.0.1
              port: 0
            apps:
              - id: demo
                publishableKeys:
                  - key: pk_live_demo
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                    allowedOrigins: []
                secretKeys:
                  - id: sk_id_demo
                    secret: sk_secret_demo_change_me
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
            """;

    private final RmsServer server;

    private ExampleServer(RmsServer server) {
        this.server = server;
    }

    public static ExampleServer start() {
        try {
            return new ExampleServer(new RmsServer(Node.standalone(ConfigLoader.parse(YAML, Map.of()))).start());
        } catch (Exception e) {
            throw new IllegalStateException("server did not start", e);
        }
    }

    public String url() {
        return "ws://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}

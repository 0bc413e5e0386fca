package ca.metered.realtime.server.it;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of the cluster ITs: one real {@code redis-server} per test class, and the nodes
 * and clients a test starts, closed after each test — clients first, so that nodes see them
 * leave before they stop. Register it as
 * {@code @RegisterExtension static final RedisNodes CLUSTER = new RedisNodes();} and add what a
 * test starts to {@link #nodes} and {@link #clients}.
 *
 * <p>Not thread-safe: a test adds to it from its own thread (classes run their tests one at a
 * time).
 */
final class RedisNodes implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    final List<TestServer> nodes = new ArrayList<>();
    final List<WsClient> clients = new ArrayList<>();
    private RedisServer redis;

    /** The class's redis-server (tests may stop and relaunch it). */
    RedisServer redis() {
        return redis;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = RedisServer.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeAll();
    }

    /**
     * Closes the test's clients, then its nodes; for a test class that must close something
     * after them in its own {@code @AfterEach} (which JUnit runs before this extension's).
     */
    void closeAll() {
        clients.forEach(WsClient::close);
        nodes.forEach(TestServer::close);
        clients.clear();
        nodes.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        redis.close();
    }
}

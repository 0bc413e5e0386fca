package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.server.config.ClusterSettings;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nodes reach a password-protected Redis and keep their keys in the configured database. */
class ClusterAuthIT {
    private static final String PASSWORD = "s3cret-redis-pw";
    static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start("--requirepass", PASSWORD);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static ClusterSettings settings(String password, int database) {
        ClusterSettings d = ClusterSettings.of(redis.uri());
        return new ClusterSettings(d.redis(), Optional.of(password), database, false, d.keyPrefix(),
                d.heartbeatInterval(), d.nodeTimeout());
    }

    @Test
    void nodesAuthenticateAndUseTheConfiguredDatabase() {
        try (TestServer a = TestServer.start(TestServer.singleApp("", ""), settings(PASSWORD, 3));
             TestServer b = TestServer.start(TestServer.singleApp("", ""), settings(PASSWORD, 3));
             WsClient sub = a.client(); WsClient pub = b.client()) {
            sub.subscribe("room");
            pub.sendJson("type", "publish", "channel", "room", "data", "across", "requestId", "p1");
            pub.skipUntil("ack");
            assertThat(sub.skipUntil("message").path("data").asText()).isEqualTo("across");

            assertThat(redis.commands("AUTH " + PASSWORD, "SELECT 3", "DBSIZE")).isNotEqualTo(":0");
            assertThat(redis.commands("AUTH " + PASSWORD, "DBSIZE")).isEqualTo(":0");
        }
    }

    @Test
    void aWrongPasswordStopsTheNodeFromStarting() {
        assertThatThrownBy(() -> TestServer.start(TestServer.singleApp("", ""), settings("wrong", 0)))
                .isInstanceOf(IllegalStateException.class);
    }
}

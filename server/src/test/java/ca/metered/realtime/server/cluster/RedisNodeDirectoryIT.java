package ca.metered.realtime.server.cluster;

import ca.metered.realtime.server.it.RedisServer;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;

/** The NodeDirectory contract against a real {@code redis-server}. */
class RedisNodeDirectoryIT extends NodeDirectoryContract {
    private static RedisServer redis;

    @Override
    BackplaneFixture fixture(Clock clock) {
        synchronized (RedisNodeDirectoryIT.class) {
            if (redis == null) {
                redis = RedisServer.start();
            }
        }
        return BackplaneFixture.redis(redis, clock);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}

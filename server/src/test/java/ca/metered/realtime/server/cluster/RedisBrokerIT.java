package ca.metered.realtime.server.cluster;

import java.time.Clock;
import org.junit.jupiter.api.AfterAll;

/** The Broker contract against a real {@code redis-server}. */
class RedisBrokerIT extends BrokerContract {
    private static final BackplaneFixture.SharedRedis REDIS = new BackplaneFixture.SharedRedis();

    @Override
    BackplaneFixture fixture(Clock clock) {
        return BackplaneFixture.redis(REDIS.get(), clock);
    }

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }
}

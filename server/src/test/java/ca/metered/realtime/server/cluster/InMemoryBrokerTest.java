package ca.metered.realtime.server.cluster;

import java.time.Clock;

class InMemoryBrokerTest extends BrokerContract {
    @Override
    BackplaneFixture fixture(Clock clock) {
        return BackplaneFixture.inMemory(clock);
    }
}

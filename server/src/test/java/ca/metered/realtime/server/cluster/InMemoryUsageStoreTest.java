package ca.metered.realtime.server.cluster;

import java.time.Clock;

class InMemoryUsageStoreTest extends UsageStoreContract {
    @Override
    BackplaneFixture fixture(Clock clock) {
        return BackplaneFixture.inMemory(clock);
    }
}

package ca.metered.realtime.server.cluster;

import java.time.Clock;

class InMemoryPresenceStoreTest extends PresenceStoreContract {
    @Override
    BackplaneFixture fixture(Clock clock) {
        return BackplaneFixture.inMemory(clock);
    }
}

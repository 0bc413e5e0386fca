package ca.metered.realtime.server.cluster;

import java.time.Clock;

class InMemoryNodeDirectoryTest extends NodeDirectoryContract {
    @Override
    BackplaneFixture fixture(Clock clock) {
        return BackplaneFixture.inMemory(clock);
    }
}

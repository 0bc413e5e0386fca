package ca.metered.realtime.server.cluster;

import java.time.Clock;

class InMemoryControlChannelTest extends ControlChannelContract {
    @Override
    BackplaneFixture fixture(Clock clock) {
        return BackplaneFixture.inMemory(clock);
    }
}

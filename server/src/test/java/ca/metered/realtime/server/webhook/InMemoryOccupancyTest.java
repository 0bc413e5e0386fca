package ca.metered.realtime.server.webhook;

import java.util.ArrayList;
import java.util.List;

class InMemoryOccupancyTest extends OccupancyContract {
    private final List<String> events = new ArrayList<>();

    @Override
    protected OccupancyTracker node(int n) {
        InMemoryOccupancy occupancy = new InMemoryOccupancy((app, e) -> events.add(e.type().wireName() + ":"
                + e.channel()));
        return new OccupancyTracker(occupancy, (app, channel) -> !channel.startsWith("untracked"));
    }

    @Override
    protected List<String> events() {
        return events;
    }
}

package ca.metered.realtime.server.webhook;

import java.util.ArrayList;
import java.util.List;

class InMemoryHoldingsTest extends HoldingsContract {
    private final List<String> events = new ArrayList<>();

    @Override
    protected Node node(int n) {
        InMemoryHoldings holdings = new InMemoryHoldings((app, e) -> events.add(show(e)));
        return new Node(holdings, new OccupancyTracker(holdings, (app, channel) -> !channel.startsWith("untracked")));
    }

    @Override
    protected List<String> events() {
        return events;
    }
}

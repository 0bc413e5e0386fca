package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.config.WebhookConfig;
import ca.metered.realtime.server.config.WebhookSettings;
import ca.metered.realtime.server.time.Scheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One app's events on the node that holds its lease, from the log to the endpoints: the flap
 * grace, then each event to every endpoint that wants it, and the log entry done once every one
 * of them delivered it or gave it up (or had no room for it).
 *
 * <p>Thread-safe. Events come in log order from the reader; completions come from the senders'
 * threads.
 */
final class AppPipeline {
    private final String appId;
    private final EventLog log;
    private final FlapGrace grace;
    private final List<Target> targets = new ArrayList<>();
    /** Log entries on their way: how many endpoints still owe them. */
    private final Map<String, Integer> owed = new HashMap<>();

    private record Target(WebhookConfig endpoint, EndpointSender sender) {
    }

    /** @param stats one per endpoint, in the order of {@code endpoints} */
    AppPipeline(String appId, List<WebhookConfig> endpoints, List<EndpointStats> stats, WebhookSettings settings,
                EventLog log, Poster poster, Scheduler scheduler, RandomGenerator random) {
        this.appId = appId;
        this.log = log;
        for (int i = 0; i < endpoints.size(); i++) {
            WebhookConfig endpoint = endpoints.get(i);
            targets.add(new Target(endpoint, new EndpointSender(appId, endpoint, settings, poster, scheduler, random,
                    stats.get(i), (events, delivered) -> finished(events))));
        }
        this.grace = new FlapGrace(scheduler, settings.flapGrace(), settings.queueSize(), this::fanOut, this::done);
    }

    /** The next entry of the app's log, in log order. */
    void accept(Logged e) {
        grace.offer(e);
    }

    /** Stops without reporting anything done: the entries stay in the log for the next reader. */
    void stop() {
        grace.stop();
        targets.forEach(t -> t.sender().stop());
        synchronized (this) {
            owed.clear();
        }
    }

    /** Entries read and not yet done with. */
    synchronized int owed() {
        return owed.size();
    }

    private void fanOut(Logged e) {
        List<EndpointSender> to = new ArrayList<>(targets.size());
        for (Target t : targets) {
            if (t.endpoint().wants(e.event().type(), e.event().channel())) {
                to.add(t.sender());
            }
        }
        if (to.isEmpty()) {
            done(List.of(e));
            return;
        }
        synchronized (this) {
            owed.put(e.id(), to.size()); // before the offers: a sender may finish at once
        }
        List<Logged> one = List.of(e);
        for (EndpointSender s : to) {
            if (!s.offer(e)) {
                finished(one); // no room: this endpoint is done with it (counted as an overflow)
            }
        }
    }

    private void finished(List<Logged> events) {
        List<String> ids = new ArrayList<>(events.size());
        synchronized (this) {
            for (Logged e : events) {
                Integer left = owed.get(e.id());
                if (left == null) {
                    continue; // stopped meanwhile
                }
                if (left == 1) {
                    owed.remove(e.id());
                    ids.add(e.id());
                } else {
                    owed.put(e.id(), left - 1);
                }
            }
        }
        if (!ids.isEmpty()) {
            log.done(appId, ids);
        }
    }

    private void done(List<Logged> events) {
        log.done(appId, events.stream().map(Logged::id).toList());
    }
}

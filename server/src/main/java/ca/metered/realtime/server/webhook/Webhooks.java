package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.config.WebhookEventType;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import ca.metered.realtime.server.time.Scheduler;
import ca.metered.realtime.server.webhook.redis.RedisEventLog;
import ca.metered.realtime.server.webhook.redis.RedisHoldings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The webhooks of one node, put together (docs/webhooks.md): the {@link WebhookService}, its
 * event log and the node's holdings (channels, connections) — in memory for a node alone, in Redis for a cluster — and the
 * three places the node's core tells it what happens: the {@link LifecycleListener} (peer
 * events), the {@link Broker} (publications, channel watches) and the {@link Broker.Inbound}
 * (presence decisions of the in-memory backplane; Redis logs its own).
 *
 * <p>{@link #NONE} when no app has webhooks: it changes nothing and costs nothing.
 *
 * <p>Thread-safe. {@link #start} once before traffic; {@link #close} once after the node's
 * connections are gone and before the backplane closes.
 */
public final class Webhooks implements AutoCloseable {
    /** No webhooks: every seam is passed through untouched. */
    public static final Webhooks NONE = new Webhooks(null, null, null, null, false);

    private static final Duration STANDALONE_LEASE = Duration.ofSeconds(10);

    private final WebhookService service;
    private final NodeHoldings holdings;
    private final OccupancyTracker tracker;
    private final PeerEvents peers;
    private final boolean tapPresence;

    private Webhooks(WebhookService service, NodeHoldings holdings, OccupancyTracker tracker, PeerEvents peers,
                     boolean tapPresence) {
        this.service = service;
        this.holdings = holdings;
        this.tracker = tracker;
        this.peers = peers;
        this.tapPresence = tapPresence;
    }

    /**
     * The webhooks of {@code config} on node {@code nodeId}; {@link #NONE} when no app has any.
     *
     * @throws ca.metered.realtime.server.cluster.BackplaneUnavailableException when the cluster's
     *     Redis is unreachable
     */
    public static Webhooks create(ServerConfig config, String nodeId, Scheduler scheduler) {
        if (config.apps().stream().map(AppConfig::webhooks).allMatch(List::isEmpty)) {
            return NONE;
        }
        Optional<ClusterSettings> cluster = config.cluster();
        String userAgent = "rms-webhooks/" + Optional.ofNullable(Webhooks.class.getPackage().getImplementationVersion())
                .orElse("dev");
        EventLog eventLog = cluster.<EventLog>map(c -> RedisEventLog.connect(c, nodeId))
                .orElseGet(() -> new InMemoryEventLog(scheduler));
        WebhookService service = WebhookService.create(config, eventLog, scheduler,
                cluster.map(ClusterSettings::nodeTimeout).orElse(STANDALONE_LEASE), userAgent);
        NodeHoldings holdings;
        try {
            holdings = cluster.<NodeHoldings>map(c -> RedisHoldings.connect(c, nodeId, scheduler))
                    .orElseGet(() -> new InMemoryHoldings(service::emit));
        } catch (RuntimeException e) {
            eventLog.close();
            throw e;
        }
        OccupancyTracker tracker = new OccupancyTracker(holdings, (app, channel) ->
                service.wants(app, WebhookEventType.CHANNEL_OCCUPIED, channel)
                        || service.wants(app, WebhookEventType.CHANNEL_VACATED, channel));
        return new Webhooks(service, holdings, tracker, new PeerEvents(service, holdings, nodeId), cluster.isEmpty());
    }

    /** The node's broker, telling the webhooks of publications and channel subscriptions. */
    public Broker broker(Broker broker) {
        return service == null ? broker : new TappedBroker(broker, service, tracker);
    }

    /** The node's inbound traffic, telling the webhooks of presence decisions when this node decides them. */
    public Broker.Inbound inbound(Broker.Inbound inbound) {
        return service == null || !tapPresence ? inbound : new PresenceTap(inbound, service);
    }

    /** What hears this node's connections open and close. */
    public LifecycleListener lifecycle() {
        return service == null ? LifecycleListener.NONE : peers;
    }

    /** Each endpoint's counters on this node (for metrics and the admin page); empty without webhooks. */
    public List<EndpointStats> endpointStats() {
        return service == null ? List.of() : service.endpointStats();
    }

    /** Events of the app dropped before any endpoint (log full or unreachable), on this node. */
    public long dropped(String appId) {
        return service == null ? 0 : service.dropped(appId);
    }

    public void start() {
        if (service != null) {
            service.start();
            holdings.start(tracker::channels, peers::connections);
        }
    }

    /**
     * Releases what this node still holds, delivers what it owes for up to
     * {@code webhooks.timeout}, and hands its leases back.
     */
    @Override
    public void close() {
        if (service != null) {
            holdings.close();
            service.close();
        }
    }
}

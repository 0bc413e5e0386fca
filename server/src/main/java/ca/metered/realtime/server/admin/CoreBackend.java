package ca.metered.realtime.server.admin;

import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.server.cluster.ControlChannel;
import ca.metered.realtime.server.cluster.NodeDirectory;
import ca.metered.realtime.server.cluster.NodeDirectory.NodeEntry;
import ca.metered.realtime.server.cluster.NodeDirectory.NodeReport;
import ca.metered.realtime.server.cluster.PresenceStore;
import ca.metered.realtime.server.cluster.UsageStore;
import ca.metered.realtime.server.connection.Connection;
import ca.metered.realtime.server.connection.Connections;
import ca.metered.realtime.server.hub.AppHub;
import ca.metered.realtime.server.hub.Hub;
import ca.metered.realtime.server.hub.Subscriber;
import ca.metered.realtime.server.transport.HttpResponses;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The {@link AdminBackend} of a running node, over its core services: the connection registry,
 * the hub, and the backplane's presence, usage and control seams.
 *
 * <p>Thread-safe; reads take snapshots and never block (backplane reads answer with stages).
 */
public final class CoreBackend implements AdminBackend {
    private final NodeInfo node;
    private final Predicate<String> configured;
    private final Hub hub;
    private final Connections connections;
    private final PresenceStore presence;
    private final UsageStore usage;
    private final ControlChannel control;
    private final NodeDirectory directory;
    private final Clock clock;
    private final Function<String, List<WebhookEndpoint>> webhooks;

    /**
     * @param configured whether an app id is in the configuration now
     * @param webhooks an app's webhook endpoints and their counters on this node
     */
    public CoreBackend(NodeInfo node, Predicate<String> configured, Hub hub, Connections connections,
                       PresenceStore presence, UsageStore usage, ControlChannel control, NodeDirectory directory,
                       Clock clock, Function<String, List<WebhookEndpoint>> webhooks) {
        this.webhooks = webhooks;
        this.node = node;
        this.configured = configured;
        this.hub = hub;
        this.connections = connections;
        this.presence = presence;
        this.usage = usage;
        this.control = control;
        this.directory = directory;
        this.clock = clock;
    }

    @Override
    public List<WebhookEndpoint> webhooks(String appId) {
        return webhooks.apply(appId);
    }

    @Override
    public NodeInfo node() {
        return node;
    }

    @Override
    public CompletionStage<List<NodeStatus>> nodes() {
        return directory.list().handle((entries, err) -> {
            long now = clock.millis();
            List<NodeStatus> all = new ArrayList<>();
            all.add(new NodeStatus(node.id(), true, node.version(), node.startedAt(), now, null, null, null,
                    null, null, (now - node.startedAt()) / 1000));
            if (err == null) {
                entries.stream()
                        .filter(e -> !e.id().equals(node.id()))
                        .sorted(Comparator.comparing(NodeEntry::id))
                        .forEach(e -> all.add(status(e, now)));
            }
            return all;
        });
    }

    private static NodeStatus status(NodeEntry e, long now) {
        NodeReport r = e.report();
        if (r == null) {
            return new NodeStatus(e.id(), false, null, null, e.lastSeenAt(), null, null, null, null, null, null);
        }
        return new NodeStatus(e.id(), false, r.version(), r.startedAt(), e.lastSeenAt(), r.connections(),
                r.receivedPerSecond(), r.deliveredPerSecond(), r.heapUsedBytes(), r.heapMaxBytes(),
                Math.max(0, (now - r.startedAt()) / 1000));
    }

    @Override
    public void report(int connections, double receivedPerSecond, double deliveredPerSecond, long heapUsedBytes,
                       long heapMaxBytes) {
        directory.report(new NodeReport(node.version(), node.startedAt(), connections, receivedPerSecond,
                deliveredPerSecond, heapUsedBytes, heapMaxBytes));
    }

    @Override
    public ChannelList channels(String appId, String query, int limit) {
        AppHub app = hub.app(appId);
        if (app == null) {
            return new ChannelList(appId, 0, List.of());
        }
        String q = query.toLowerCase(Locale.ROOT);
        List<ChannelSummary> all = new ArrayList<>();
        for (String name : app.channelNames()) {
            if (!q.isEmpty() && !name.toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            List<Subscriber> subs = app.subscribersOf(name);
            if (subs.isEmpty()) {
                continue;
            }
            Set<String> peers = new HashSet<>();
            subs.forEach(s -> peers.add(s.peerId()));
            all.add(new ChannelSummary(name, subs.size(), peers.size()));
        }
        all.sort(Comparator.comparingInt(ChannelSummary::subscribers).reversed().thenComparing(ChannelSummary::name));
        return new ChannelList(appId, all.size(), all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public CompletionStage<Optional<ChannelDetail>> channel(String appId, String channel) {
        AppHub app = hub.app(appId);
        if (app == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<LocalSubscription> local = app.subscribersOf(channel).stream()
                .sorted(Comparator.comparingLong(Subscriber::connectionId))
                .map(s -> new LocalSubscription(s.connectionId(), s.peerId(), s.presenceEnabled()))
                .toList();
        return presence.snapshot(appId, channel).thenApply(snapshot -> {
            List<Member> members = new ArrayList<>();
            for (ServerFrame.PresenceEntry e : snapshot.members()) {
                members.add(new Member(e.peerId(), e.metadata() == null ? null : json(e.metadata().json())));
            }
            members.sort(Comparator.comparing(Member::peerId));
            return Optional.of(new ChannelDetail(appId, channel, local, members));
        });
    }

    @Override
    public ConnectionList connections(Optional<String> appId, String query, int limit) {
        String q = query.toLowerCase(Locale.ROOT);
        List<ConnectionSummary> all = new ArrayList<>();
        for (Connection c : connections.all()) {
            if (appId.isPresent() && !appId.get().equals(c.appId())) {
                continue;
            }
            if (!q.isEmpty() && !c.peerId().toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            all.add(new ConnectionSummary(c.connectionId(), c.appId(), c.peerId(), c.remoteAddress(), c.connectedAt(),
                    c.channels().size(), c.queuedBytes()));
        }
        all.sort(Comparator.comparingLong(ConnectionSummary::connectedAt).reversed());
        return new ConnectionList(all.size(), all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public CompletionStage<Optional<PeerDetail>> peer(String appId, String peerId) {
        if (!configured.test(appId)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<ConnectionDetail> local = new ArrayList<>();
        for (Connection c : connections.all()) {
            if (c.appId().equals(appId) && c.peerId().equals(peerId)) {
                Long exp = c.grant().expiresAtEpochSeconds();
                local.add(new ConnectionDetail(c.connectionId(), node.id(), c.remoteAddress(), c.connectedAt(),
                        c.channels().names(), c.queuedBytes(), c.grant().credential(), exp == null ? null : exp * 1000));
            }
        }
        local.sort(Comparator.comparingLong(ConnectionDetail::id));
        return usage.connectionsOf(appId, peerId)
                .handle((n, err) -> Optional.of(new PeerDetail(appId, peerId,
                        err == null ? Integer.valueOf(n.intValue()) : null, local)));
    }

    @Override
    public CompletionStage<Void> kick(String appId, String peerId) {
        return control.kick(appId, peerId).thenApply(n -> null);
    }

    @Override
    public CompletionStage<AppUsage> usage(String appId) {
        return usage.usage(appId).handle((u, err) -> err != null
                ? new AppUsage(null, null, null, null)
                : new AppUsage((int) u.concurrentNow(), u.messagesUsed(), u.periodStartUnix() * 1000,
                        u.periodEndUnix() * 1000));
    }

    private static JsonNode json(String text) {
        try {
            return HttpResponses.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            return HttpResponses.mapper().getNodeFactory().textNode(text);
        }
    }
}

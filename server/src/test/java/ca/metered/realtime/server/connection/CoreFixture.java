package ca.metered.realtime.server.connection;

import ca.metered.realtime.server.metrics.NodeMetrics;
import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.server.auth.Authorizer;
import ca.metered.realtime.server.auth.ChannelScope;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.cluster.Backplane;
import ca.metered.realtime.server.cluster.InMemoryCluster;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.config.LiveConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.config.ServerSettings;
import ca.metered.realtime.server.hub.Hub;
import ca.metered.realtime.server.hub.LocalDelivery;
import ca.metered.realtime.server.auth.Authenticator;
import ca.metered.realtime.server.config.HistoryConfig;
import ca.metered.realtime.server.config.SecretKeyConfig;
import ca.metered.realtime.server.history.Retention;
import ca.metered.realtime.server.pubsub.HistoryService;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import ca.metered.realtime.server.pubsub.Member;
import ca.metered.realtime.server.pubsub.MessageService;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.time.ManualScheduler;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.ArrayList;
import java.util.Collections;

/**
 * The server core of one node, wired as {@code RmsNode} wires it, without a network: the
 * in-memory backplane, a manual clock, and {@link RecordingLink}s where sockets would be.
 * App {@code app}, with secret key {@link #SECRET_KEY_ID} (for tokens); its limits and history
 * can be changed while the core runs (read through {@link LiveConfig}).
 */
public final class CoreFixture {
    public static final String APP = "app";
    public static final String SECRET_KEY_ID = "sk_id_core";
    public static final String SECRET = "sk_secret_core_0123456789";

    /** The meters the core counts into (a registry of its own per fixture). */
    public final NodeMetrics metrics = new NodeMetrics("test", false);
    public final ManualScheduler time = new ManualScheduler();
    public final InMemoryCluster cluster = new InMemoryCluster(time.clock());
    public final Backplane backplane = cluster.join("n1");
    public final Hub hub = new Hub(List.of(APP));
    /** What the lifecycle listener heard; empty for a fixture made with {@code recordEvents} false. */
    public final RecordingListener events = new RecordingListener();
    public final LiveConfig config;
    public final Memberships memberships;
    public final MessageService messages;
    public final Connections connections;
    public final HistoryService history;
    public final Authenticator authenticator;
    private volatile Limits limits;
    private volatile List<HistoryConfig> channelHistory = List.of();
    private volatile ServerConfig current;

    public CoreFixture(Limits limits) {
        this(limits, true);
    }

    /** @param recordEvents false for long runs, where a record of every event would be a leak of its own */
    public CoreFixture(Limits limits, boolean recordEvents) {
        this.limits = limits;
        this.current = config();
        this.config = new LiveConfig(() -> current);
        Authorizer authorizer = new Authorizer();
        LifecycleListener listener = recordEvents ? events : LifecycleListener.NONE;
        this.memberships = new Memberships(hub, backplane.broker(), backplane.presence(), backplane.history(),
                authorizer, config, listener);
        this.messages = new MessageService("n1", authorizer, config, backplane.broker(), backplane.usage(), metrics,
                metrics.backplane(false));
        this.history = new HistoryService(backplane.history(), authorizer, config);
        this.authenticator = new Authenticator(() -> current, time.clock());
        this.connections = new Connections(time, authenticator, config, backplane.usage(), memberships, listener);
        backplane.start(new LocalDelivery(hub, "n1", (app, channel) -> config.history(app, channel)
                .map(h -> backplane.history().position(app, channel, Retention.of(h)))
                .orElseGet(() -> CompletableFuture.completedFuture(null))));
        connections.start();
    }

    public CoreFixture() {
        this(Limits.defaults());
    }

    private ServerConfig config() {
        SecretKeyConfig key = new SecretKeyConfig(SECRET_KEY_ID, SECRET, List.of(ChannelPattern.compile("**")),
                EnumSet.allOf(Action.class));
        return new ServerConfig(ServerSettings.defaults(), List.of(new AppConfig(APP, true, List.of(), List.of(key),
                limits, List.of(), channelHistory, Duration.ofMinutes(5))));
    }

    /** Changes the app's limits from now on, as a configuration reload would. */
    public void limits(Limits limits) {
        this.limits = limits;
        current = config();
    }

    /** Gives the app these {@code history} entries from now on (docs/protocol.md 9). */
    public void history(HistoryConfig... entries) {
        this.channelHistory = List.of(entries);
        current = config();
    }

    public AppConfig app() {
        return current.apps().get(0);
    }

    /** A grant for {@code peerId} with {@code actions} on {@code patterns} (all channels when none). */
    public Grant grant(String peerId, Set<Action> actions, String... patterns) {
        List<String> globs = patterns.length == 0 ? List.of("**") : Arrays.asList(patterns);
        return new Grant(app(), peerId, ChannelScope.of(globs.stream().map(ChannelPattern::compile).toList()), actions,
                null, null, null, "pk_test");
    }

    /** A connection with every action on every channel, admitted, registered and reachable. */
    public Client connect(String peerId) {
        return connect(grant(peerId, EnumSet.allOf(Action.class)));
    }

    public Client connect(Grant grant) {
        Connections.Admission a = connections.admit(grant).toCompletableFuture().join();
        assertThat(a).isEqualTo(Connections.Admission.ADMITTED);
        RecordingLink link = new RecordingLink();
        Connections.Opening opening = connections.open(grant, link, a);
        opening.reachable().toCompletableFuture().join();
        return new Client(opening.connection(), link);
    }

    /** A connection and what it was sent. */
    public record Client(Connection connection, RecordingLink link) {
        public List<String> frames() {
            return link.take();
        }
    }

    /** Records lifecycle events as {@code "kind peerId [channel]"}. */
    public static final class RecordingListener implements LifecycleListener {
        public final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void connectionOpened(Member m) {
            events.add("opened " + m.peerId());
        }

        @Override
        public void connectionClosed(Member m) {
            events.add("closed " + m.peerId());
        }

        @Override
        public void subscribed(Member m, String channel) {
            events.add("subscribed " + m.peerId() + " " + channel);
        }

        @Override
        public void unsubscribed(Member m, String channel) {
            events.add("unsubscribed " + m.peerId() + " " + channel);
        }
    }
}

package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.PresenceMembers;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.auth.Authorizer;
import ca.metered.realtime.server.auth.Authorizer.SubscribeDecision;
import ca.metered.realtime.server.auth.Permissions;
import ca.metered.realtime.server.auth.Refusal;
import ca.metered.realtime.server.cluster.Broker;
import ca.metered.realtime.server.cluster.PresenceStore;
import ca.metered.realtime.server.cluster.PresenceStore.Snapshot;
import ca.metered.realtime.server.config.LiveConfig;
import ca.metered.realtime.server.hub.AppHub;
import ca.metered.realtime.server.hub.Hub;
import ca.metered.realtime.server.hub.Subscriber;
import ca.metered.realtime.server.hub.Start;
import ca.metered.realtime.server.hub.Subscription;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.config.HistoryConfig;
import ca.metered.realtime.server.history.HistoryEntry;
import ca.metered.realtime.server.history.HistoryQuery;
import ca.metered.realtime.server.history.HistoryRead;
import ca.metered.realtime.server.history.HistoryStore;
import ca.metered.realtime.server.history.Retention;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is on which channel: subscribe and unsubscribe (authorized, within the connection's
 * channel limit), the presence members of a channel, and a connection's registration for
 * {@code send}. One service for the WebSocket commands and the REST API.
 *
 * <p>Joining a concrete channel takes these steps, in the order the ordering guarantees need
 * (docs/protocol.md 2.3, docs/clustering.md):
 *
 * <ol>
 *   <li>register the subscription locally, <em>pending</em> (frames are held);
 *   <li>watch the channel on the backplane and wait until its traffic is guaranteed to arrive;
 *   <li>let the presence store count the connection and take the snapshot, atomically with
 *       publishing the {@code joined} delta;
 *   <li>on a channel with history, read its position, and with {@code recover} the messages
 *       missed since the client's position (docs/protocol.md 9);
 *   <li>queue ack and snapshot, then the missed messages, then release held frames newer than
 *       the snapshot and the position.
 * </ol>
 *
 * <p>Thread-safe. Stages complete on whichever thread the backplane answers on.
 */
public final class Memberships {
    private static final Logger log = LoggerFactory.getLogger(Memberships.class);
    static final Refusal BACKEND_ERROR = new Refusal(ErrorCode.BACKEND_ERROR,
            "the cluster backplane is unavailable; retry later");

    private static final Refusal RECOVER_NEEDS_A_CHANNEL = new Refusal(ErrorCode.INVALID_CHANNEL,
            "recover needs a concrete channel, not a wildcard pattern");

    private final Hub hub;
    private final Broker broker;
    private final PresenceStore presence;
    private final HistoryStore history;
    private final Authorizer authorizer;
    private final LiveConfig config;
    private final LifecycleListener listener;

    public Memberships(Hub hub, Broker broker, PresenceStore presence, HistoryStore history, Authorizer authorizer,
                       LiveConfig config, LifecycleListener listener) {
        this.hub = hub;
        this.broker = broker;
        this.presence = presence;
        this.history = history;
        this.authorizer = authorizer;
        this.config = config;
        this.listener = listener;
    }

    /**
     * Registers a connection under its peerId and makes the peer reachable by {@code send} from
     * any node; the welcome may be sent when the stage completes (docs/protocol.md 2.5). Fails when
     * the backplane could not take part (the connection is registered locally all the same).
     */
    public CompletionStage<Void> open(Member m) {
        app(m).addConnection(m);
        return broker.watchPeer(m.appId(), m.peerId());
    }

    /** Takes a closed connection off every channel and unregisters it. Runs once per connection. */
    public void close(Member m) {
        AppHub app = app(m);
        // Unreachable by send first: whoever sees this peer's presence `left` must also get
        // peer_not_found when sending to it (both go through the same backplane in order).
        app.removeConnection(m);
        broker.unwatchPeer(m.appId(), m.peerId());
        for (String channel : m.channels().takeChannels()) {
            leave(app, m, channel);
            listener.unsubscribed(m, channel);
        }
        for (ChannelPattern glob : m.channels().takeGlobs()) {
            leaveGlob(app, m, glob);
            listener.unsubscribed(m, glob.toString());
        }
    }

    /**
     * Subscribes to a concrete channel or a wildcard pattern (docs/protocol.md 2.3, 2.4).
     * {@code onJoined} is called exactly once on success, with the presence snapshot to send
     * (empty for a pattern, and without the member's own peerId), before any frame of the
     * channel reaches the member: the caller queues ack and snapshot there.
     */
    public CompletionStage<Outcome<Void>> subscribe(Member m, String channel, boolean includeSenderMetadata,
                                                   Consumer<List<PresenceEntry>> onJoined) {
        return subscribe(m, channel, includeSenderMetadata, null, joined -> onJoined.accept(joined.presence().entries()));
    }

    /**
     * Subscribes as above, and on a channel with history starts the subscription at a position
     * (docs/protocol.md 9): with {@code recover}, the messages after it follow the ack when they are
     * all still kept ({@code recovered: true}), else none do ({@code recovered: false}); without,
     * the subscription starts at the channel's current position. {@code onJoined} gets what the
     * ack must say.
     *
     * @param recover the last position the client saw, {@link StreamPosition#START} when it has
     *                seen none yet but follows positions (it gets hints too), or {@code null}
     */
    public CompletionStage<Outcome<Void>> subscribe(Member m, String channel, boolean includeSenderMetadata,
                                                   StreamPosition recover, Consumer<Joined> onJoined) {
        SubscribeDecision decision = authorizer.subscribe(m.permissions(), channel);
        if (decision instanceof SubscribeDecision.Denied denied) {
            return CompletableFuture.completedFuture(Outcome.refused(denied.refusal()));
        }
        if (recover != null && decision instanceof SubscribeDecision.Wildcard) {
            return CompletableFuture.completedFuture(Outcome.refused(RECOVER_NEEDS_A_CHANNEL));
        }
        ChannelSet set = m.channels();
        boolean wildcard = decision instanceof SubscribeDecision.Wildcard;
        boolean already = wildcard ? set.hasGlob(channel) : set.hasChannel(channel);
        int max = config.limits(m.appId()).maxChannelsPerConnection();
        if (!already && set.size() >= max) {
            return CompletableFuture.completedFuture(Outcome.refused(ErrorCode.CHANNEL_LIMIT_EXCEEDED,
                    "at most " + max + " subscriptions per connection"));
        }
        AppHub app = app(m);
        if (decision instanceof SubscribeDecision.Wildcard w) {
            set.addGlob(channel, w.glob());
            return joinGlob(app, m, w.glob(), includeSenderMetadata).handle((ok, err) -> {
                if (err != null) {
                    set.removeGlob(channel, w.glob());
                    return backendError(m, err);
                }
                onJoined.accept(new Joined(PresenceMembers.NONE, null, null));
                if (!already) {
                    listener.subscribed(m, channel);
                }
                return Outcome.done(null);
            });
        }
        // the name the node already holds for the channel: one String per room, not per member
        String name = app.channelName(channel);
        set.addChannel(name);
        return join(app, m, name, includeSenderMetadata, recover, onJoined).handle((ok, err) -> {
            if (err != null) {
                if (!already) {
                    set.removeChannel(name);
                }
                return backendError(m, err);
            }
            if (!already) {
                listener.subscribed(m, channel);
            }
            return Outcome.done(null);
        });
    }

    /**
     * Takes the member off a channel or pattern it subscribed to; completes once the leave is
     * decided (even when the backplane failed: the connection is off the channel locally, and
     * the backplane re-asserts presence when it is back). Never fails.
     */
    public CompletionStage<Void> unsubscribe(Member m, String channel) {
        AppHub app = app(m);
        ChannelPattern glob = m.channels().removeGlob(channel);
        if (glob != null) {
            leaveGlob(app, m, glob);
            listener.unsubscribed(m, channel);
            return CompletableFuture.completedFuture(null);
        }
        if (m.channels().removeChannel(channel)) {
            listener.unsubscribed(m, channel);
            return leave(app, m, channel).handle((ok, err) -> null);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The members of a concrete channel over the cluster, one per peerId (REST {@code GET …/peers}). */
    public CompletionStage<Outcome<List<PresenceEntry>>> members(Permissions p, String appId, String channel) {
        Optional<Refusal> denied = authorizer.presence(p, channel);
        if (denied.isPresent()) {
            return CompletableFuture.completedFuture(Outcome.refused(denied.get()));
        }
        return presence.members(appId, channel).handle((members, err) -> {
            if (err != null) {
                log.warn("backplane unavailable for a presence read of app {}: {}", appId, err.toString());
                return Outcome.refused(BACKEND_ERROR);
            }
            return Outcome.done(members);
        });
    }

    private <T> Outcome<T> backendError(Member m, Throwable err) {
        log.warn("backplane unavailable for peer {}: {}", m.peerId(), err.toString());
        return Outcome.refused(BACKEND_ERROR);
    }

    private AppHub app(Member m) {
        return Objects.requireNonNull(hub.app(m.appId()), "app not hosted: " + m.appId());
    }

    /**
     * Subscribes {@code s} to a concrete channel (steps above). The stage fails (then nothing
     * was sent and the subscription is undone) when the backplane could not take part.
     */
    private CompletionStage<Void> join(AppHub app, Subscriber s, String channel, boolean includeSenderMetadata,
                                       StreamPosition recover, Consumer<Joined> ackAndSnapshot) {
        AppHub.Attached attached = app.attach(s, channel, includeSenderMetadata);
        Subscription sub = attached.subscription();
        CompletionStage<Void> watched = attached.isNew()
                ? broker.watchChannel(app.appId(), channel)
                : CompletableFuture.completedFuture(null);
        CompletionStage<Snapshot> decided = watched.thenCompose(ignored -> {
            if (!s.presenceEnabled()) {
                return CompletableFuture.completedFuture(Snapshot.EMPTY);
            }
            if (!attached.isNew()) {
                return presence.snapshot(app.appId(), channel);
            }
            // The connection may have left (or closed) while we waited: then it is not counted.
            return sub.countUnlessDetached(
                    () -> presence.join(app.appId(), channel, s.peerId(), s.peerMetadata()),
                    CompletableFuture.completedFuture(Snapshot.EMPTY));
        });
        Optional<HistoryConfig> kept = config.history(app.appId(), channel);
        CompletionStage<Starting> starting = decided.thenCompose(snapshot -> kept.isEmpty()
                ? CompletableFuture.completedFuture(new Starting(snapshot, null))
                : readStart(app.appId(), channel, Retention.of(kept.get()), recover)
                        .thenApply(read -> new Starting(snapshot, read)));
        return starting.handle((st, err) -> {
            if (err == null) {
                activate(sub, st, recover, includeSenderMetadata, ackAndSnapshot);
                return null;
            }
            if (attached.isNew()) {
                leave(app, s, channel);
            } else {
                sub.activate(Snapshot.EMPTY, ignored -> { }); // keep the old subscription flowing
            }
            throw new CompletionException(unwrap(err));
        });
    }

    /** The presence snapshot and, on a channel with history, the read that decides the start. */
    private record Starting(Snapshot snapshot, HistoryRead read) {
    }

    /**
     * The channel's position, or with {@code recover} everything after it that fits half the
     * connection's outbound buffer: more than that is not a recovery (it would close the
     * connection as a slow consumer before the client could read it).
     */
    private CompletionStage<HistoryRead> readStart(String appId, String channel, Retention retention,
                                                   StreamPosition recover) {
        HistoryQuery q = recover == null || recover.isStart() ? HistoryQuery.positionOnly()
                : HistoryQuery.recovery(recover, retention, config.server().outboundBufferBytes() / 2);
        return history.read(appId, channel, retention, q);
    }

    private static void activate(Subscription sub, Starting st, StreamPosition recover, boolean includeSenderMetadata,
                                 Consumer<Joined> ackAndSnapshot) {
        if (st.read() == null) {
            // No history: a recover cannot be honoured, and says so; nothing else changes.
            Boolean recovered = recover == null ? null : false;
            sub.activate(st.snapshot(), Start.NONE, presence -> ackAndSnapshot.accept(new Joined(presence, null, recovered)));
            return;
        }
        HistoryRead read = st.read();
        StreamPosition at = read.position();
        // From START (nothing seen yet) nothing can have been missed.
        boolean recovered = recover != null && (recover.isStart() || read.recovered());
        List<byte[]> replay = new ArrayList<>();
        if (recovered && !recover.isStart()) {
            for (HistoryEntry e : ((HistoryRead.Page) read).entries()) {
                replay.add(FrameCodec.encode(e.toMessage(sub.channel(), at.epoch(), includeSenderMetadata)));
            }
        }
        Start start = new Start(at, replay, recover != null);
        sub.activate(st.snapshot(), start,
                presence -> ackAndSnapshot.accept(new Joined(presence, at, recover == null ? null : recovered)));
    }

    /** Takes {@code s} off a concrete channel; completes with whether it was on it. */
    private CompletionStage<Boolean> leave(AppHub app, Subscriber s, String channel) {
        Boolean owesLeave = app.detach(s, channel);
        if (owesLeave == null) {
            return CompletableFuture.completedFuture(false);
        }
        CompletionStage<Void> left = owesLeave
                ? presence.leave(app.appId(), channel, s.peerId())
                : CompletableFuture.completedFuture(null);
        return left.handle((ok, err) -> {
            broker.unwatchChannel(app.appId(), channel);
            return true;
        });
    }

    /** Adds a wildcard subscription; completes once remote publishes are guaranteed to reach it. */
    private CompletionStage<Void> joinGlob(AppHub app, Subscriber s, ChannelPattern glob, boolean includeSenderMetadata) {
        if (!app.subscribeGlob(s, glob, includeSenderMetadata)) {
            return CompletableFuture.completedFuture(null);
        }
        return broker.watchAllChannels(app.appId()).whenComplete((ok, err) -> {
            if (err != null && app.unsubscribeGlob(s, glob)) {
                broker.unwatchAllChannels(app.appId());
            }
        });
    }

    private void leaveGlob(AppHub app, Subscriber s, ChannelPattern glob) {
        if (app.unsubscribeGlob(s, glob)) {
            broker.unwatchAllChannels(app.appId());
        }
    }

    private static Throwable unwrap(Throwable err) {
        return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    }
}

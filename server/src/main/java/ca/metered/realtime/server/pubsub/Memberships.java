package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.cluster.Backplane;
import ca.metered.realtime.server.cluster.PresenceStore.Snapshot;
import ca.metered.realtime.server.hub.AppHub;
import ca.metered.realtime.server.hub.Subscriber;
import ca.metered.realtime.server.hub.Subscription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The steps that put a connection on a channel and take it off again, in the order the
 * ordering guarantees need (protocol.md 2.3, docs/clustering.md):
 *
 * <ol>
 *   <li>register the subscription locally, <em>pending</em> (frames are held);
 *   <li>watch the channel on the backplane and wait until its traffic is guaranteed to arrive;
 *   <li>let the presence store count the connection and take the snapshot, atomically with
 *       publishing the {@code joined} delta;
 *   <li>queue ack and snapshot, then release held frames newer than the snapshot.
 * </ol>
 *
 * <p>Stateless apart from the backplane; thread-safe.
 */
public final class Memberships {
    private final Backplane backplane;

    public Memberships(Backplane backplane) {
        this.backplane = backplane;
    }

    /**
     * Subscribes {@code s} to a concrete channel. {@code ackAndSnapshot} is called exactly once
     * on success, with the snapshot to send, before any frame of the channel reaches {@code s}.
     * The stage fails (then nothing was sent and the subscription is undone) when the backplane
     * could not take part.
     */
    public CompletionStage<Void> join(AppHub app, Subscriber s, String channel, boolean includeSenderMetadata,
                                      Consumer<List<PresenceEntry>> ackAndSnapshot) {
        AppHub.Attached attached = app.attach(s, channel, includeSenderMetadata);
        Subscription sub = attached.subscription();
        CompletionStage<Void> watched = attached.isNew()
                ? backplane.broker().watchChannel(app.appId(), channel)
                : CompletableFuture.completedFuture(null);
        CompletionStage<Snapshot> decided = watched.thenCompose(ignored -> {
            if (!s.presenceEnabled()) {
                return CompletableFuture.completedFuture(Snapshot.EMPTY);
            }
            if (!attached.isNew()) {
                return backplane.presence().snapshot(app.appId(), channel);
            }
            // The connection may have left (or closed) while we waited: then it is not counted.
            return sub.countUnlessDetached(
                    () -> backplane.presence().join(app.appId(), channel, s.peerId(), s.peerMetadata()),
                    CompletableFuture.completedFuture(Snapshot.EMPTY));
        });
        return decided.handle((snapshot, err) -> {
            if (err == null) {
                sub.activate(snapshot, ackAndSnapshot);
                return null;
            }
            if (attached.isNew()) {
                leave(app, s, channel);
            } else {
                sub.activate(Snapshot.EMPTY, ignored -> { }); // keep the old subscription flowing
            }
            throw new CompletionExceptionHolder(err).unchecked();
        });
    }

    /** Takes {@code s} off a concrete channel; completes with whether it was on it. */
    public CompletionStage<Boolean> leave(AppHub app, Subscriber s, String channel) {
        Boolean owesLeave = app.detach(s, channel);
        if (owesLeave == null) {
            return CompletableFuture.completedFuture(false);
        }
        CompletionStage<Void> left = owesLeave
                ? backplane.presence().leave(app.appId(), channel, s.peerId())
                : CompletableFuture.completedFuture(null);
        return left.handle((ok, err) -> {
            backplane.broker().unwatchChannel(app.appId(), channel);
            return true;
        });
    }

    /** Adds a wildcard subscription; completes once remote publishes are guaranteed to reach it. */
    public CompletionStage<Void> joinGlob(AppHub app, Subscriber s, ChannelPattern glob, boolean includeSenderMetadata) {
        if (!app.subscribeGlob(s, glob, includeSenderMetadata)) {
            return CompletableFuture.completedFuture(null);
        }
        return backplane.broker().watchAllChannels(app.appId()).whenComplete((ok, err) -> {
            if (err != null && app.unsubscribeGlob(s, glob)) {
                backplane.broker().unwatchAllChannels(app.appId());
            }
        });
    }

    public void leaveGlob(AppHub app, Subscriber s, ChannelPattern glob) {
        if (app.unsubscribeGlob(s, glob)) {
            backplane.broker().unwatchAllChannels(app.appId());
        }
    }

    /**
     * Registers a connection under its peerId and makes the peer reachable by {@code send} from
     * any node; the welcome may be sent when the stage completes (protocol.md 2.5).
     */
    public CompletionStage<Void> openConnection(AppHub app, Subscriber s) {
        app.addConnection(s);
        return backplane.broker().watchPeer(app.appId(), s.peerId());
    }

    /** Undoes {@link #openConnection}; the connection has already left its channels. */
    public void closeConnection(AppHub app, Subscriber s) {
        app.removeConnection(s);
        backplane.broker().unwatchPeer(app.appId(), s.peerId());
    }

    /** Rethrows a stage failure without wrapping it twice. */
    private record CompletionExceptionHolder(Throwable error) {
        RuntimeException unchecked() {
            Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            return new java.util.concurrent.CompletionException(t);
        }
    }
}

package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.client.internal.Loggers;
import ca.metered.realtime.peer.MeteredPeerOversizedException;
import ca.metered.realtime.peer.MeteredPeerReplaceTrackException;
import ca.metered.realtime.peer.MeteredPeerStateException;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.RtpSender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * The local tracks a MeteredPeer sends to everyone (docs/sdk-behaviour.md 13: {@code addTrack}, {@code addStream},
 * {@code removeTrack}, {@code replaceTrack}) and their fan-out to remote peers: the track's metadata
 * message first, then the track, so the receiver knows the metadata before the offer (docs/sdk-behaviour.md 2.3).
 *
 * <p>Threading: the tracked set has its own lock, so that {@link #track} and friends validate and
 * throw at the caller's call like the JS SDK's synchronous methods; every method that touches a
 * remote peer ({@code attach…}, {@code detach}, {@code replace}) runs on the peer loop.
 */
final class LocalMedia {
    /** Sends {@code {"__meteredTrackMeta": …}} to one peer; fire-and-forget. */
    @FunctionalInterface
    interface MetaSender {
        CompletableFuture<Void> send(String toPeerId, ObjectNode payload);
    }

    /** One tracked local track. */
    record Tracked(MediaTrack track, MediaStream stream, ObjectNode metadata) {
    }

    private final MetaSender sender;
    private final IntSupplier maxMessageSize;
    private final Logger logger;
    /** Track id → entry, in insertion order. Guarded by itself. */
    private final LinkedHashMap<String, Tracked> tracked = new LinkedHashMap<>();

    LocalMedia(MetaSender sender, IntSupplier maxMessageSize, Logger logger) {
        this.sender = sender;
        this.maxMessageSize = maxMessageSize;
        this.logger = logger;
    }

    // ---------------------------------------------------------------- the tracked set (any thread)

    /**
     * Tracks one track; {@code null} when it is already tracked with the same stream (idempotent:
     * the first call's stream and metadata win).
     *
     * @throws MeteredPeerStateException     {@code track_already_attached} if tracked with another stream
     * @throws MeteredPeerOversizedException if its metadata message exceeds the server cap
     */
    Tracked track(MediaTrack track, MediaStream stream, Object metadata) {
        ObjectNode md = toMetadata(metadata);
        synchronized (tracked) {
            if (!admissible(track, stream)) {
                return null;
            }
            checkSize(track, md);
            Tracked t = new Tracked(track, stream, md);
            tracked.put(track.id(), t);
            return t;
        }
    }

    /**
     * Tracks every track of {@code stream} not tracked yet, each with its own copy of the metadata.
     * All or nothing: when one track is tracked with another stream (JS 1.2.0 throws
     * {@code track_already_attached} there, after adding the tracks before it) nothing is added.
     */
    List<Tracked> trackStream(MediaStream stream, Object metadata) {
        ObjectNode md = toMetadata(metadata);
        List<Tracked> added = new ArrayList<>();
        synchronized (tracked) {
            for (MediaTrack t : stream.tracks()) {
                if (admissible(t, stream)) {
                    checkSize(t, md);
                }
            }
            for (MediaTrack t : stream.tracks()) {
                if (!tracked.containsKey(t.id())) {
                    Tracked entry = new Tracked(t, stream, md == null ? null : md.deepCopy());
                    tracked.put(t.id(), entry);
                    added.add(entry);
                }
            }
        }
        return added;
    }

    /** Stops tracking {@code track}; the entry, or {@code null} if it was not tracked. */
    Tracked untrack(MediaTrack track) {
        synchronized (tracked) {
            return tracked.remove(track.id());
        }
    }

    void clear() {
        synchronized (tracked) {
            tracked.clear();
        }
    }

    List<Tracked> snapshot() {
        synchronized (tracked) {
            return new ArrayList<>(tracked.values());
        }
    }

    Optional<ObjectNode> trackMetadata(MediaTrack track) {
        synchronized (tracked) {
            Tracked t = tracked.get(track.id());
            return t == null || t.metadata() == null ? Optional.empty() : Optional.of(t.metadata().deepCopy());
        }
    }

    /** The metadata of the first tracked track of {@code stream}. */
    Optional<ObjectNode> streamMetadata(MediaStream stream) {
        synchronized (tracked) {
            for (MediaTrack track : stream.tracks()) {
                Tracked t = tracked.get(track.id());
                if (t != null) {
                    return t.metadata() == null ? Optional.empty() : Optional.of(t.metadata().deepCopy());
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code track} may be added with {@code stream}: false if already tracked with it. Holds the lock. */
    private boolean admissible(MediaTrack track, MediaStream stream) {
        Tracked existing = tracked.get(track.id());
        if (existing == null) {
            return true;
        }
        if (sameStream(existing.stream(), stream)) {
            return false;
        }
        throw new MeteredPeerStateException("track_already_attached", "addTrack",
                "MeteredPeer.addTrack: track '" + track.id() + "' is already attached to "
                        + (existing.stream() == null ? "an orphan slot" : "stream '" + existing.stream().id() + "'")
                        + ". Multi-stream membership is not supported - use distinct tracks per stream, "
                        + "or removeTrack(t) before re-adding.", null);
    }

    private void checkSize(MediaTrack track, ObjectNode md) {
        if (md != null) {
            int size = Signals.size(Signals.trackMeta(track.id(), md));
            int cap = maxMessageSize.getAsInt();
            if (size > cap) {
                throw new MeteredPeerOversizedException(size, cap);
            }
        }
    }

    private static boolean sameStream(MediaStream a, MediaStream b) {
        return a == null ? b == null : b != null && a.id().equals(b.id());
    }

    static ObjectNode toMetadata(Object metadata) {
        if (metadata == null) {
            return null;
        }
        JsonNode n = metadata instanceof JsonNode j ? j.deepCopy() : Json.valueToTree(metadata);
        if (!n.isObject()) {
            throw new IllegalArgumentException("metadata must be a JSON object, got " + n.getNodeType());
        }
        return (ObjectNode) n;
    }

    // ---------------------------------------------------------------- fan-out (peer loop)

    /** Sends the track's metadata (if any) and then attaches it to {@code p}; no-op if already attached. */
    void attach(DefaultRemotePeer p, Tracked entry) {
        if (p.attached.containsKey(entry.track().id())) {
            return;
        }
        if (entry.metadata() != null) {
            sendMeta(p.id(), entry.track().id(), entry.metadata());
        }
        addTrack(p, entry);
    }

    /** Attaches every tracked track to {@code p}: all metadata first, then all tracks (JS order). */
    void attachAll(DefaultRemotePeer p) {
        List<Tracked> all = snapshot();
        for (Tracked t : all) {
            if (t.metadata() != null && !p.attached.containsKey(t.track().id())) {
                sendMeta(p.id(), t.track().id(), t.metadata());
            }
        }
        for (Tracked t : all) {
            if (!p.attached.containsKey(t.track().id())) {
                addTrack(p, t);
            }
        }
    }

    /** Removes the track from {@code p}'s connection, clearing its metadata there if it had any. */
    void detach(DefaultRemotePeer p, Tracked entry) {
        RtpSender s = p.attached.remove(entry.track().id());
        if (s == null) {
            return;
        }
        if (entry.metadata() != null) {
            sendMeta(p.id(), entry.track().id(), null);
        }
        try {
            p.connection().pc().removeTrack(s);
        } catch (RuntimeException e) {
            log("warn", "removeTrack failed", Map.of("peerId", p.id(), "err", String.valueOf(e.getMessage())));
        }
    }

    private void addTrack(DefaultRemotePeer p, Tracked t) {
        try {
            RtpSender s = p.connection().pc().addTrack(t.track(), t.stream() == null ? List.of() : List.of(t.stream().id()));
            p.attached.put(t.track().id(), s);
        } catch (RuntimeException e) {
            log("warn", "addTrack failed", Map.of("peerId", p.id(), "err", String.valueOf(e.getMessage())));
        }
    }

    /**
     * Swaps {@code oldTrack} for {@code newTrack} (or {@code null}) on every peer's sender (docs/sdk-behaviour.md 13):
     * all peers are tried; if at least one succeeded (or there are none) the tracked entry is re-keyed
     * to the new track ({@code null}: dropped, so later joiners do not get it) and its metadata is
     * moved to the new id on the peers that succeeded. Fails with
     * {@link MeteredPeerReplaceTrackException} if any peer failed. Completes on {@code loop}.
     */
    CompletableFuture<Void> replace(Collection<DefaultRemotePeer> peers, MediaTrack oldTrack, MediaTrack newTrack,
                                    Executor loop) {
        List<DefaultRemotePeer> targets = new ArrayList<>(peers);
        List<CompletableFuture<Void>> results = new ArrayList<>();
        for (DefaultRemotePeer p : targets) {
            results.add(replaceOn(p, oldTrack, newTrack));
        }
        CompletableFuture<Void> out = new CompletableFuture<>();
        CompletableFuture.allOf(results.stream().map(r -> r.exceptionally(x -> null)).toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> loop.execute(() -> {
                    List<String> succeeded = new ArrayList<>();
                    List<MeteredPeerReplaceTrackException.Failure> failed = new ArrayList<>();
                    for (int i = 0; i < targets.size(); i++) {
                        CompletableFuture<Void> r = results.get(i);
                        if (r.isCompletedExceptionally()) {
                            Throwable err = r.handle((x, t) -> t).join();
                            failed.add(new MeteredPeerReplaceTrackException.Failure(targets.get(i).id(), unwrap(err)));
                        } else {
                            succeeded.add(targets.get(i).id());
                        }
                    }
                    if (!succeeded.isEmpty() || targets.isEmpty()) {
                        rekey(targets, oldTrack, newTrack, succeeded);
                    }
                    if (failed.isEmpty()) {
                        out.complete(null);
                    } else {
                        out.completeExceptionally(new MeteredPeerReplaceTrackException(succeeded, failed));
                    }
                }));
        return out;
    }

    private static CompletableFuture<Void> replaceOn(DefaultRemotePeer p, MediaTrack oldTrack, MediaTrack newTrack) {
        RtpSender s = p.attached.get(oldTrack.id());
        if (s == null) {
            return CompletableFuture.completedFuture(null); // JS: no matching sender counts as success
        }
        CompletableFuture<Void> r = new CompletableFuture<>();
        try {
            s.replaceTrack(newTrack).whenComplete((v, e) -> {
                if (e != null) {
                    r.completeExceptionally(unwrap(e));
                } else {
                    r.complete(null);
                }
            });
        } catch (RuntimeException e) {
            r.completeExceptionally(e);
        }
        return r;
    }

    private void rekey(List<DefaultRemotePeer> targets, MediaTrack oldTrack, MediaTrack newTrack, List<String> succeeded) {
        Tracked entry;
        synchronized (tracked) {
            entry = tracked.remove(oldTrack.id());
            if (entry != null && newTrack != null) {
                // re-inserted under the new id; order changes (JS Map delete+set does the same)
                tracked.put(newTrack.id(), new Tracked(newTrack, entry.stream(), entry.metadata()));
            }
        }
        if (entry == null) {
            return;
        }
        for (DefaultRemotePeer p : targets) {
            if (!succeeded.contains(p.id()) || p.isClosed()) {
                continue; // failed here, or left meanwhile
            }
            RtpSender s = p.attached.remove(oldTrack.id());
            if (s != null && newTrack != null) {
                p.attached.put(newTrack.id(), s);
            }
            if (entry.metadata() != null) {
                sendMeta(p.id(), oldTrack.id(), null);
                if (newTrack != null) {
                    sendMeta(p.id(), newTrack.id(), entry.metadata());
                }
            }
        }
    }

    private void sendMeta(String toPeerId, String trackId, ObjectNode md) {
        sender.send(toPeerId, Signals.trackMeta(trackId, md)).whenComplete((v, e) -> {
            if (e != null) {
                log("warn", "track metadata send failed", Map.of("toPeerId", toPeerId, "trackId", trackId,
                        "err", String.valueOf(unwrap(e).getMessage())));
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private void log(String level, String msg, Map<String, Object> ctx) {
        Loggers.log(logger, level, msg, ctx);
    }
}

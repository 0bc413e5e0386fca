package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import ca.metered.realtime.server.cluster.ChannelKey;
import ca.metered.realtime.server.cluster.PresenceStore;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@link PresenceStore} in Redis: per channel a hash of peerId → cluster-wide connection count
 * and a hash of peerId → metadata, which Redis deletes with their last field, so a channel
 * nobody is on leaves no key; per app one delta sequence counter, shared by all its channels so
 * that a channel emptied and filled again never reuses a number; per node a hash of its own
 * contributions, so a dead node's share can be taken back. Each decision runs in one Lua script
 * that also publishes the delta on the channel topic ({@code join.lua}, {@code leave.lua}).
 *
 * <p>Also remembers this node's contributions locally, so they can be re-asserted after Redis
 * lost them (restart) or a reaper removed this node (see {@link NodeLiveness}).
 *
 * <p>Thread-safe.
 */
final class RedisPresenceStore implements PresenceStore {
    private final Scripts scripts;
    private final String prefix;
    private final String nodeId;
    /** This node's counted connections per peer per channel; guarded by itself. Scripts are sent under the same lock. */
    private final Map<Contribution, Slot> local = new LinkedHashMap<>();

    /** One peer on one channel, as this node counts it. */
    private record Contribution(ChannelKey channel, String peerId) {
    }

    private static final class Slot {
        final String metadata;
        int connections;

        Slot(String metadata) {
            this.metadata = metadata;
        }
    }

    RedisPresenceStore(Scripts scripts, String prefix, String nodeId) {
        this.scripts = scripts;
        this.prefix = prefix;
        this.nodeId = nodeId;
    }

    @Override
    public CompletionStage<Snapshot> join(String appId, String channel, String peerId, RawJson metadata) {
        String meta = metadata == null ? "" : metadata.json();
        CompletionStage<List<Object>> r;
        synchronized (local) {
            local.computeIfAbsent(new Contribution(new ChannelKey(appId, channel), peerId), k -> new Slot(meta))
                    .connections++;
            r = scripts.run(Scripts.Name.JOIN, ScriptOutputType.MULTI, prefix, appId, channel, peerId, meta, nodeId);
        }
        return r.thenApply(RedisPresenceStore::snapshot);
    }

    @Override
    public CompletionStage<Void> leave(String appId, String channel, String peerId) {
        CompletionStage<Long> r;
        synchronized (local) {
            Contribution k = new Contribution(new ChannelKey(appId, channel), peerId);
            Slot slot = local.get(k);
            if (slot != null && --slot.connections <= 0) {
                local.remove(k);
            }
            r = scripts.run(Scripts.Name.LEAVE, ScriptOutputType.INTEGER, prefix, appId, channel, peerId, nodeId);
        }
        return r.thenApply(n -> null);
    }

    @Override
    public CompletionStage<Snapshot> snapshot(String appId, String channel) {
        return scripts.<List<Object>>run(Scripts.Name.SNAPSHOT, ScriptOutputType.MULTI, prefix, appId, channel)
                .thenApply(RedisPresenceStore::snapshot);
    }

    /** Arguments for {@code reassert.lua}: count, then (app, channel, peerId, count, metadata) each. Call under {@link #lock()}. */
    List<String> reassertArgs() {
        List<String> out = new ArrayList<>();
        out.add(Integer.toString(local.size()));
        local.forEach((k, slot) -> {
            out.add(k.channel().appId());
            out.add(k.channel().channel());
            out.add(k.peerId());
            out.add(Integer.toString(slot.connections));
            out.add(slot.metadata);
        });
        return out;
    }

    Object lock() {
        return local;
    }

    private static Snapshot snapshot(List<Object> reply) {
        long seq = Long.parseLong(String.valueOf(reply.get(0)));
        List<PresenceEntry> members = new ArrayList<>((reply.size() - 1) / 2);
        for (int i = 1; i + 1 < reply.size(); i += 2) {
            String meta = String.valueOf(reply.get(i + 1));
            members.add(new PresenceEntry(String.valueOf(reply.get(i)), meta.isEmpty() ? null : RawJson.of(meta)));
        }
        return new Snapshot(members, seq);
    }
}

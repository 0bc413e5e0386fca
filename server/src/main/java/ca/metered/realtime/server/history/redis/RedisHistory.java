package ca.metered.realtime.server.history.redis;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.cluster.redis.CommandPipe;
import ca.metered.realtime.server.history.Appended;
import ca.metered.realtime.server.history.Epochs;
import ca.metered.realtime.server.history.HistoryEntry;
import ca.metered.realtime.server.history.HistoryQuery;
import ca.metered.realtime.server.history.HistoryRead;
import ca.metered.realtime.server.history.HistoryStore;
import ca.metered.realtime.server.history.Retention;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Channel history and the publish idempotency window in Redis, so that a position means the same
 * on every node (docs/protocol.md 9, docs/clustering.md): a hash per channel holds its epoch and
 * newest offset, a Redis Stream its kept messages (capped with {@code MAXLEN} at the channel's
 * size, trimmed with {@code MINID} at its ttl, both keys expiring ttl after the last use), and a
 * key per idempotency key remembers a first publish for the app's window.
 *
 * <p>{@link #publish} runs one script that checks the idempotency key, takes the next offset,
 * appends to the stream and {@code PUBLISH}es on the channel's topic, all atomically, so every
 * node receives a channel's messages in offset order. The published payload is
 * {@code m\n{tail}} on a channel without history and {@code h\n{epoch}\n{offset}\n{tail}} on one
 * with history; {@code tail} ends with the {@linkplain #entry stored entry}, which the script
 * keeps in the stream without the caller sending the data twice.
 *
 * <p>Scripts are sent with {@code EVAL} (not {@code EVALSHA}, whose {@code NOSCRIPT} retry could
 * let a later publish overtake an earlier one), publishes through the node's {@link CommandPipe},
 * so one caller's publishes, with and without history, keep their order on the node's one
 * command connection.
 *
 * <p>Thread-safe; stages complete on a Lettuce thread.
 */
public final class RedisHistory implements HistoryStore {
    /** The first character of a published payload: a message without, and with, a position. */
    public static final char PLAIN = 'm';
    public static final char POSITIONED = 'h';

    private final RedisAsyncCommands<String, String> redis;
    private final CommandPipe pipe;
    private final String prefix;
    private final byte[] publishScript;
    private final String readScript;

    /**
     * @param redis reads (positions, recoveries, pages)
     * @param pipe  publishes, in order with the node's other publishes on its command connection
     */
    public RedisHistory(RedisAsyncCommands<String, String> redis, CommandPipe pipe, String keyPrefix) {
        this.redis = redis;
        this.pipe = pipe;
        this.prefix = keyPrefix;
        String common = load("common.lua");
        this.publishScript = (common + "\n" + load("publish.lua")).getBytes(StandardCharsets.UTF_8);
        this.readScript = common + "\n" + load("read.lua");
    }

    /**
     * The stored form of a message, {@code {from}\n{metadata length or -1}\n{metadata}{data}}:
     * the end of every published {@code tail}.
     */
    public static String entry(String from, RawJson fromMetadata, RawJson data) {
        StringBuilder b = new StringBuilder(16 + from.length() + data.json().length());
        b.append(from).append('\n');
        if (fromMetadata == null) {
            b.append("-1\n");
        } else {
            b.append(fromMetadata.json().length()).append('\n').append(fromMetadata.json());
        }
        return b.append(data.json()).toString();
    }

    /**
     * Publishes on {@code topic}: checks the idempotency key, and on a channel with history
     * assigns the next offset and keeps the entry, atomically with the {@code PUBLISH}.
     *
     * @param retention      the channel's retention, or {@code null} when it keeps no history
     * @param idempotencyKey the publish's key, or {@code null}
     * @param window         how long a key is remembered
     * @param tail           the payload after the kind (and position); ends with {@link #entry}
     * @param entryStart     where the entry starts in {@code tail}
     */
    public CompletionStage<Appended> publish(String appId, String channel, Retention retention, String idempotencyKey,
                                             Duration window, String topic, String tail, int entryStart) {
        String[] args = {
            // Lua indexes bytes: the entry starts after the UTF-8 bytes of what precedes it.
            prefix, appId, channel, topic, tail,
            Integer.toString(tail.substring(0, entryStart).getBytes(StandardCharsets.UTF_8).length + 1),
            idempotencyKey == null ? "" : idempotencyKey, Long.toString(Math.max(1, window.toMillis())),
            Integer.toString(retention == null ? 0 : retention.size()),
            Long.toString(retention == null ? 0 : retention.ttl().toMillis()), Epochs.next()
        };
        return pipe.<List<Object>>publishScript(publishScript, ScriptOutputType.MULTI, args)
                .thenApply(r -> {
                    boolean repeated = ((Long) r.get(0)) == 1L;
                    String epoch = (String) r.get(1);
                    long offset = (Long) r.get(2);
                    StreamPosition position = epoch.isEmpty() ? null : new StreamPosition(epoch, offset);
                    return new Appended(position, ((Long) r.get(3)).intValue(), repeated);
                });
    }

    @Override
    public CompletionStage<HistoryRead> read(String appId, String channel, Retention retention, HistoryQuery q) {
        String[] args = {
            prefix, appId, channel, Epochs.next(), Long.toString(retention.ttl().toMillis()),
            Integer.toString(retention.size()),
            q.since() == null ? "" : q.since().epoch(), q.since() == null ? "0" : Long.toString(q.since().offset()),
            Integer.toString(q.limit()), Long.toString(q.maxBytes()),
            Long.toString(HistoryEntry.frameOverhead(channel.length()))
        };
        return redis.<List<Object>>eval(readScript, ScriptOutputType.MULTI, new String[0], args)
                .thenApply(RedisHistory::toRead);
    }

    private static HistoryRead toRead(List<Object> r) {
        StreamPosition position = new StreamPosition((String) r.get(0), (Long) r.get(1));
        String status = (String) r.get(2);
        switch (status) {
            case "epoch":
                return new HistoryRead.Unavailable(position, HistoryRead.Reason.EPOCH_CHANGED);
            case "old":
                return new HistoryRead.Unavailable(position, HistoryRead.Reason.TOO_OLD);
            case "ahead":
                return new HistoryRead.Unavailable(position, HistoryRead.Reason.AHEAD);
            default:
                break;
        }
        List<HistoryEntry> entries = new ArrayList<>((r.size() - 4) / 3);
        for (int i = 4; i + 2 < r.size(); i += 3) {
            String id = (String) r.get(i);
            long publishedAt = Long.parseLong(id.substring(0, id.indexOf('-')));
            entries.add(parseEntry(Long.parseLong((String) r.get(i + 1)), publishedAt, (String) r.get(i + 2)));
        }
        return new HistoryRead.Page(position, entries, ((Long) r.get(3)) == 1L);
    }

    /** The inverse of {@link #entry}. */
    static HistoryEntry parseEntry(long offset, long publishedAt, String stored) {
        int nl1 = stored.indexOf('\n');
        int nl2 = stored.indexOf('\n', nl1 + 1);
        String from = stored.substring(0, nl1);
        int metaLength = Integer.parseInt(stored.substring(nl1 + 1, nl2));
        int dataStart = nl2 + 1 + Math.max(0, metaLength);
        RawJson meta = metaLength < 0 ? null : RawJson.of(stored.substring(nl2 + 1, dataStart));
        return new HistoryEntry(offset, publishedAt, from, RawJson.of(stored.substring(dataStart)), meta);
    }

    private static String load(String file) {
        try (InputStream in = RedisHistory.class.getResourceAsStream("/rms/redis/history/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

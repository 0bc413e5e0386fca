package ca.metered.realtime.server.history;

import ca.metered.realtime.protocol.frame.StreamPosition;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Channel history and the publish idempotency window in the memory of one process: for a single
 * node, or for every node of an in-memory cluster in one JVM (tests). Everything is lost with the
 * process, so a restarted node starts every channel in a new epoch.
 *
 * <p>{@link #publish} assigns the offset and runs the fan-out under the channel's lock, so
 * messages reach every subscriber in offset order and an idempotency key is checked and
 * remembered atomically with its delivery.
 *
 * <p>Bounded: each channel by its {@link Retention}; the channels it keeps by {@code maxChannels}
 * (past it, idle channels are swept at once, at most once a second, and if that is not enough an
 * arbitrary channel loses its history: its next read or publish starts a new epoch); the
 * idempotency keys by {@code maxIdempotencyKeys}. Idle channels and expired keys are swept by the
 * publishes and reads themselves, at most every {@value #SWEEP_EVERY_MS} ms (and {@link #sweep}
 * on demand); an idle channel is never answered from meanwhile, only its memory waits.
 *
 * <p>Thread-safe. Stages are complete when returned.
 */
public final class InMemoryHistory implements HistoryStore {
    public static final int DEFAULT_MAX_CHANNELS = 100_000;
    public static final int DEFAULT_MAX_IDEMPOTENCY_KEYS = 200_000;
    /** Locks for idempotent publishes on channels without history, by hash of the channel. */
    private static final int STRIPES = 64;
    private static final long FULL_SWEEP_INTERVAL_MS = 1_000;
    static final long SWEEP_EVERY_MS = 10_000;

    /** Hands a message to its subscribers once it has its position; returns how many it reached. */
    @FunctionalInterface
    public interface Fanout {
        /** @param position the message's position, or {@code null} on a channel without history */
        int deliver(StreamPosition position);
    }

    private record Key(String appId, String channel) {
    }

    private final Clock clock;
    private final int maxChannels;
    private final ConcurrentHashMap<Key, ChannelLog> logs = new ConcurrentHashMap<>();
    private final IdempotencyWindow idempotency;
    private final Object[] stripes = new Object[STRIPES];
    private volatile long lastFullSweep = Long.MIN_VALUE;
    private final AtomicLong nextSweep;

    public InMemoryHistory(Clock clock) {
        this(clock, DEFAULT_MAX_CHANNELS, DEFAULT_MAX_IDEMPOTENCY_KEYS);
    }

    public InMemoryHistory(Clock clock, int maxChannels, int maxIdempotencyKeys) {
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels must be > 0");
        }
        this.clock = clock;
        this.maxChannels = maxChannels;
        this.idempotency = new IdempotencyWindow(maxIdempotencyKeys);
        this.nextSweep = new AtomicLong(clock.millis() + SWEEP_EVERY_MS);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * Publishes a message: on a channel with history ({@code retention} not null) it gets the next
     * offset and is kept; then {@code fanOut} delivers it, still under the channel's lock. With an
     * idempotency key already used on the channel within {@code window}, nothing is appended or
     * delivered and the first publish's result comes back as a repeat.
     *
     * @param retention      the channel's retention, or {@code null} when it keeps no history
     * @param idempotencyKey the publish's key, or {@code null}
     * @param window         how long a key is remembered (the app's {@code idempotencyWindow})
     */
    public Appended publish(String appId, String channel, Retention retention, NewMessage message,
                            String idempotencyKey, Duration window, Fanout fanOut) {
        long now = clock.millis();
        maybeSweep(now);
        if (retention == null) {
            if (idempotencyKey == null) {
                return new Appended(null, fanOut.deliver(null), false);
            }
            synchronized (stripes[Math.floorMod(channel.hashCode() * 31 + appId.hashCode(), STRIPES)]) {
                Optional<Appended> prior = idempotency.find(appId, channel, idempotencyKey, now);
                if (prior.isPresent()) {
                    return prior.get().asRepeat();
                }
                Appended first = new Appended(null, fanOut.deliver(null), false);
                idempotency.remember(appId, channel, idempotencyKey, first, window, now);
                return first;
            }
        }
        Key key = new Key(appId, channel);
        while (true) {
            ChannelLog log = logFor(key, now, retention);
            synchronized (log) {
                if (gone(key, log, now)) {
                    continue; // swept between the lookup and the lock, or idle past its ttl: look again
                }
                if (idempotencyKey != null) {
                    Optional<Appended> prior = idempotency.find(appId, channel, idempotencyKey, now);
                    if (prior.isPresent()) {
                        return prior.get().asRepeat();
                    }
                }
                HistoryEntry e = log.append(message, now, retention);
                StreamPosition position = new StreamPosition(log.epoch(), e.offset());
                Appended first = new Appended(position, fanOut.deliver(position), false);
                if (idempotencyKey != null) {
                    idempotency.remember(appId, channel, idempotencyKey, first, window, now);
                }
                return first;
            }
        }
    }

    @Override
    public CompletionStage<HistoryRead> read(String appId, String channel, Retention retention, HistoryQuery query) {
        long now = clock.millis();
        maybeSweep(now);
        Key key = new Key(appId, channel);
        while (true) {
            ChannelLog log = logFor(key, now, retention);
            synchronized (log) {
                if (!gone(key, log, now)) {
                    return CompletableFuture.completedFuture(log.read(query, now, retention));
                }
            }
        }
    }

    /** Drops channels idle for their ttl and idempotency keys past their window. */
    public void sweep() {
        sweep(clock.millis());
    }

    /** How many channels have history in memory now. */
    public int channelCount() {
        return logs.size();
    }

    /** How many idempotency keys are remembered now. */
    public int idempotencyKeyCount() {
        return idempotency.size();
    }

    /** One caller sweeps when a sweep is due; the others go on. */
    private void maybeSweep(long now) {
        long due = nextSweep.get();
        if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_EVERY_MS)) {
            sweep(now);
        }
    }

    private void sweep(long now) {
        lastFullSweep = now;
        for (Map.Entry<Key, ChannelLog> e : logs.entrySet()) {
            ChannelLog log = e.getValue();
            synchronized (log) {
                if (log.idle(now)) {
                    log.drop();
                    logs.remove(e.getKey(), log);
                }
            }
        }
        idempotency.expire(now);
    }

    /**
     * Whether a log may no longer be used: dropped already, or idle past its ttl, which drops it
     * now (as Redis expires its keys), so the channel's next history starts a new epoch whether or
     * not a sweep came first. Called under the log's monitor.
     */
    private boolean gone(Key key, ChannelLog log, long now) {
        if (log.dropped()) {
            return true;
        }
        if (log.idle(now)) {
            log.drop();
            logs.remove(key, log);
            return true;
        }
        return false;
    }

    private ChannelLog logFor(Key key, long now, Retention retention) {
        ChannelLog log = logs.get(key);
        if (log != null) {
            return log;
        }
        if (logs.size() >= maxChannels) {
            makeRoom(key, now);
        }
        return logs.computeIfAbsent(key, k -> new ChannelLog(Epochs.next(), k.channel(), now, retention));
    }

    /** Sweeps idle channels (at most once a second); if still full, one channel loses its history. */
    private void makeRoom(Key keep, long now) {
        if (now - lastFullSweep >= FULL_SWEEP_INTERVAL_MS) {
            sweep(now);
        }
        Iterator<Map.Entry<Key, ChannelLog>> it = logs.entrySet().iterator();
        while (logs.size() >= maxChannels && it.hasNext()) {
            Map.Entry<Key, ChannelLog> victim = it.next();
            if (victim.getKey().equals(keep)) {
                continue;
            }
            ChannelLog log = victim.getValue();
            synchronized (log) {
                log.drop();
                logs.remove(victim.getKey(), log);
            }
        }
    }
}

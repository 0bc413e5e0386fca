package ca.metered.realtime.server.transport;

import ca.metered.realtime.server.config.ConnectionLimits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The process's file descriptors as a budget for client connections. Every accepted connection
 * is counted; those that have not upgraded to WebSocket ("pending": HTTP, REST, probes,
 * handshakes in progress) are also counted against a smaller server-wide cap and a per-address
 * cap. When a new connection would exceed a cap, the oldest idle pending connection is closed to
 * make room; when none is idle, or the address is over its own cap, the new one is closed
 * instead. Upgraded connections are never evicted. When every counted connection has upgraded,
 * up to {@link #PROBE_SLOTS} more are let in from the descriptor reserve, for health probes
 * only ({@link #isProbeOnly}): a server at capacity still answers its load balancer.
 *
 * <p>So with the default reserve, an attacker holding idle or slow connections can neither
 * exhaust descriptors (accept would fail with EMFILE and nothing, not even {@code /healthz}, would
 * be served) nor keep a new client, a probe or an authenticated WebSocket from being accepted:
 * the attacker's oldest connection goes first.
 *
 * <p>Thread-safe: one lock, taken once per accept, upgrade and close.
 */
final class ConnectionBudget {
    private static final AttributeKey<Boolean> PROBE_ONLY = AttributeKey.valueOf(ConnectionBudget.class, "probeOnly");
    /** Connections over {@code maxOpen} let in for health probes when nothing can be evicted. */
    static final int PROBE_SLOTS = 16;
    /** Below this many connections the server is not worth running; a config error instead. */
    static final int MIN_CONNECTIONS = 32;
    /** Pending cap when the descriptor limit is unknown (not a Unix JVM) and none is configured. */
    static final int UNKNOWN_LIMIT_MAX_PENDING = 10_000;

    /** A pending connection, as the budget sees it. */
    interface Pending {
        Channel channel();

        /** Whether it is waiting for the client (not for a response of ours): safe to evict. */
        boolean isIdle();
    }

    private record Entry(Pending pending, InetAddress limitedAddress) {
    }

    private final int maxOpen;
    private final int maxPending;
    private final int maxPendingPerIp;
    private final Predicate<InetSocketAddress> exempt;
    private final ClientErrors errors;
    private final ChannelFutureListener closeListener = f -> closed(f.channel());

    private int open;
    /** Of {@link #open}, those let in over the cap for probes. */
    private int probes;
    /** Insertion order is age: the head is the oldest. */
    private final LinkedHashMap<Channel, Entry> pending = new LinkedHashMap<>();
    private final Map<InetAddress, Integer> pendingPerAddress = new HashMap<>();
    /**
     * Evicted connections whose close has not run yet: already released, so their close must
     * not count again. Every other admitted connection is counted until its close; this set is
     * what tells the two apart, instead of a flag on every channel (docs/performance.md, "Idle
     * connections"). Short-lived: an evicted connection's close follows on its loop.
     */
    private final Set<Channel> evictedUnclosed = new HashSet<>();

    ConnectionBudget(int maxOpen, int maxPending, int maxPendingPerIp, Predicate<InetSocketAddress> exempt,
            ClientErrors errors) {
        this.maxOpen = maxOpen;
        this.maxPending = maxPending;
        this.maxPendingPerIp = maxPendingPerIp;
        this.exempt = exempt;
        this.errors = errors;
    }

    /**
     * The budget for {@code limits} under a descriptor limit of {@code fdLimit} ({@code ≤ 0}:
     * unknown, connections then uncapped).
     *
     * @throws IllegalArgumentException when the limit leaves fewer than {@link #MIN_CONNECTIONS}
     *     descriptors after the reserve
     */
    static ConnectionBudget of(ConnectionLimits limits, long fdLimit, Predicate<InetSocketAddress> exempt,
            ClientErrors errors) {
        int maxOpen = Integer.MAX_VALUE;
        if (fdLimit > 0) {
            long usable = fdLimit - limits.fdReserve();
            if (usable < MIN_CONNECTIONS) {
                throw new IllegalArgumentException("the open files limit (" + fdLimit + ") leaves fewer than "
                        + MIN_CONNECTIONS + " descriptors after server.connections.fdReserve (" + limits.fdReserve()
                        + "); raise the limit (ulimit -n) or lower the reserve");
            }
            maxOpen = (int) Math.min(Integer.MAX_VALUE, usable);
        }
        int maxPending;
        if (limits.maxPending() > 0) {
            maxPending = Math.min(limits.maxPending(), maxOpen);
        } else {
            maxPending = maxOpen == Integer.MAX_VALUE ? UNKNOWN_LIMIT_MAX_PENDING : Math.max(1, maxOpen / 2);
        }
        return new ConnectionBudget(maxOpen, maxPending, limits.maxPendingPerIp(), exempt, errors);
    }

    /** This process's open-files limit, or -1 when the JVM cannot tell. */
    static long processFdLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    int maxOpen() {
        return maxOpen;
    }

    int maxPending() {
        return maxPending;
    }

    int maxPendingPerIp() {
        return maxPendingPerIp;
    }

    /**
     * Counts a newly accepted connection, evicting the oldest idle pending ones if a cap needs
     * room. Returns {@code false} when it must be refused; the caller then closes it.
     */
    boolean admit(Pending p) {
        Channel ch = p.channel();
        InetAddress limited = limitedAddress(ch.remoteAddress());
        List<Channel> evicted = new ArrayList<>(1);
        String refusal = null;
        boolean probeOnly = false;
        synchronized (this) {
            if (limited != null && pendingPerAddress.getOrDefault(limited, 0) >= maxPendingPerIp) {
                refusal = "refused: the address already holds " + maxPendingPerIp + " connections not yet upgraded";
            }
            while (refusal == null && pending.size() >= maxPending) {
                if (!evictOldestIdle(false, evicted) && !evictOldestIdle(true, evicted)) {
                    refusal = "refused: " + maxPending + " connections not yet upgraded and none idle to make room";
                }
            }
            if (refusal == null && open - probes >= maxOpen && !evictOldestIdle(false, evicted)) {
                // Every counted connection is upgraded or busy: one from the reserve, for probes.
                probeOnly = true;
                if (probes >= PROBE_SLOTS && !evictOldestIdle(true, evicted)) {
                    refusal = "refused: " + maxOpen + " connections open, all upgraded or busy";
                }
            }
            if (refusal == null) {
                open++;
                if (probeOnly) {
                    probes++;
                    ch.attr(PROBE_ONLY).set(Boolean.TRUE);
                }
                pending.put(ch, new Entry(p, limited));
                if (limited != null) {
                    pendingPerAddress.merge(limited, 1, Integer::sum);
                }
            }
        }
        for (Channel victim : evicted) {
            errors.record(victim, ClientErrors.Kind.PENDING_LIMIT, "evicted: the oldest idle connection not yet upgraded");
            victim.close();
        }
        if (refusal != null) {
            errors.record(ch, ClientErrors.Kind.PENDING_LIMIT, refusal);
        }
        return refusal == null;
    }

    /**
     * Whether {@code ch} was let in over the cap, from the reserve: it may be answered on the
     * health endpoints only.
     */
    static boolean isProbeOnly(Channel ch) {
        return ch.hasAttr(PROBE_ONLY) && Boolean.TRUE.equals(ch.attr(PROBE_ONLY).get());
    }

    /** The connection upgraded: it stays counted but is no longer pending. */
    synchronized void upgraded(Channel ch) {
        removePending(ch);
    }

    /**
     * An admitted connection closed: releases whatever it held, unless its eviction already
     * did. Called once per admitted connection, from its close future ({@link #closeListener}).
     */
    synchronized void closed(Channel ch) {
        if (!evictedUnclosed.remove(ch)) {
            release(ch);
        }
    }

    /**
     * The close listener for every admitted connection: one object for all of them, so a
     * connection carries no listener of its own for the budget.
     */
    ChannelFutureListener closeListener() {
        return closeListener;
    }

    synchronized int open() {
        return open;
    }

    synchronized int pending() {
        return pending.size();
    }

    /** Evicts the oldest idle pending connection of the kind asked; returns whether there was one. */
    private boolean evictOldestIdle(boolean probe, List<Channel> evicted) {
        for (Map.Entry<Channel, Entry> e : pending.entrySet()) {
            Channel ch = e.getKey();
            if (isProbeOnly(ch) == probe && e.getValue().pending().isIdle()) {
                forget(ch);
                evicted.add(ch);
                return true;
            }
        }
        return false;
    }

    /** Stops counting {@code ch} now (it is being closed), so its close does not count twice. */
    private void forget(Channel ch) {
        evictedUnclosed.add(ch);
        release(ch);
    }

    private void release(Channel ch) {
        open--;
        if (isProbeOnly(ch)) {
            probes--;
        }
        removePending(ch);
    }

    private void removePending(Channel ch) {
        Entry e = pending.remove(ch);
        if (e != null && e.limitedAddress() != null) {
            pendingPerAddress.computeIfPresent(e.limitedAddress(), (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    private InetAddress limitedAddress(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null && !exempt.test(inet)) {
            return inet.getAddress();
        }
        return null;
    }
}

package ca.metered.realtime.server.transport;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which address a connection attempt is counted under (docs/protocol.md 5): the socket
 * peer, or — when the peer is a trusted proxy — the last hop of {@code X-Forwarded-For}.
 * A trusted proxy that sends no {@code X-Forwarded-For} is not limited, so local development
 * and tests on loopback never hit 429 by accident.
 *
 * <p>Immutable; thread-safe.
 */
public final class ClientAddress {
    private final List<IpSubnetFilterRule> trusted;

    /** @param trustedProxies IP addresses or CIDR blocks, e.g. {@code 127.0.0.1}, {@code 10.0.0.0/8} */
    public ClientAddress(List<String> trustedProxies) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String entry : trustedProxies) {
            String s = entry.trim();
            int slash = s.indexOf('/');
            String ip = slash < 0 ? s : s.substring(0, slash);
            int bits = slash < 0 ? (ip.contains(":") ? 128 : 32) : Integer.parseInt(s.substring(slash + 1));
            rules.add(new IpSubnetFilterRule(ip, bits, IpFilterRuleType.ACCEPT));
        }
        this.trusted = List.copyOf(rules);
    }

    /**
     * The key to rate-limit under, or {@code null} when the attempt is not limited.
     *
     * @param forwardedFor the {@code X-Forwarded-For} header, or {@code null}
     */
    public String rateKey(InetSocketAddress peer, String forwardedFor) {
        if (!isTrusted(peer)) {
            return peer.getAddress().getHostAddress();
        }
        if (forwardedFor == null || forwardedFor.isBlank()) {
            return null;
        }
        String[] hops = forwardedFor.split(",");
        return hops[hops.length - 1].trim();
    }

    /**
     * The client's address: the socket peer, or — when the peer is a trusted proxy that sent
     * {@code X-Forwarded-For} — the last hop it names. Empty when that hop is not an IP literal
     * (the client is then unknown, and treated as nobody in particular).
     */
    public Optional<InetAddress> client(InetSocketAddress peer, String forwardedFor) {
        if (!isTrusted(peer) || forwardedFor == null || forwardedFor.isBlank()) {
            return Optional.of(peer.getAddress());
        }
        String[] hops = forwardedFor.split(",");
        return Optional.ofNullable(NetUtil.createInetAddressFromIpAddressString(hops[hops.length - 1].trim()));
    }

    /** Whether {@code peer} is a trusted proxy: its connections are many clients' (docs/protocol.md 5). */
    public boolean isTrustedProxy(InetSocketAddress peer) {
        return isTrusted(peer);
    }

    private boolean isTrusted(InetSocketAddress peer) {
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(peer)) {
                return true;
            }
        }
        return false;
    }
}

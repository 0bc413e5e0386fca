package ca.metered.realtime.server.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Syntax checks for IP literals, CIDR blocks and browser origins in the config. Never
 * resolves host names: a config check must not depend on DNS.
 *
 * <p>Stateless; thread-safe.
 */
final class NetworkLiterals {
    private NetworkLiterals() {
    }

    /** An IPv4 or IPv6 literal, optionally with a {@code /prefix}. */
    static boolean isAddressOrCidr(String s) {
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        boolean v6 = addr.indexOf(':') >= 0;
        if (v6 ? !isIpv6(addr) : !isIpv4(addr)) {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String prefix = s.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Integer.parseInt(prefix) <= (v6 ? 128 : 32);
    }

    private static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String s) {
        if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return false;
        }
        try {
            // With only hex digits, colons and dots this is parsed as a literal, never looked up.
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** {@code *}, or exactly {@code scheme://host[:port]} with nothing after it. */
    static boolean isOrigin(String s) {
        if (s.equals("*")) {
            return true;
        }
        try {
            URI uri = new URI(s);
            return uri.getScheme() != null && uri.getHost() != null && uri.getRawUserInfo() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && s.toLowerCase(Locale.ROOT).startsWith(uri.getScheme().toLowerCase(Locale.ROOT) + "://");
        } catch (URISyntaxException e) {
            return false;
        }
    }
}

package ca.metered.realtime.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * A channel authorization glob (docs/protocol.md 2.4): {@code *} matches any run of characters
 * except {@code /}, {@code **} matches any run including {@code /}, {@code \*} and
 * {@code \\} are a literal star and backslash, and a pattern matches the whole name.
 *
 * <p>Patterns arrive in untrusted JWTs, so matching never backtracks: both {@link #matches}
 * and {@link #covers} are dynamic programs over (pattern position × input position), linear
 * in memory and O(n·m) in time whatever the pattern looks like.
 *
 * <p>A run of three or more unescaped stars is read as {@code **}: it matches exactly the
 * same names, so nothing is lost by folding it.
 *
 * <p>Immutable; thread-safe. Equality is on the glob text.
 */
public final class ChannelPattern {
    /** Any run of characters except {@code /}. */
    private static final int STAR = -1;
    /** Any run of characters, {@code /} included. */
    private static final int DOUBLE_STAR = -2;

    private final String glob;
    /** A literal UTF-16 unit (≥ 0), {@link #STAR} or {@link #DOUBLE_STAR}. */
    private final int[] tokens;

    private ChannelPattern(String glob, int[] tokens) {
        this.glob = glob;
        this.tokens = tokens;
    }

    /**
     * Parses a glob.
     *
     * @throws IllegalArgumentException if the glob is null or empty, or holds a backslash
     *     that is not followed by {@code *} or {@code \}
     */
    public static ChannelPattern compile(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("channel pattern must not be empty");
        }
        int[] out = new int[glob.length()];
        int n = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\') {
                if (i + 1 == glob.length()) {
                    throw new IllegalArgumentException(
                            "channel pattern ends with a lone backslash: " + glob);
                }
                char next = glob.charAt(++i);
                if (next != '*' && next != '\\') {
                    throw new IllegalArgumentException("invalid escape '\\" + next
                            + "' at index " + (i - 1) + " in channel pattern (only \\* and \\\\ are allowed): "
                            + glob);
                }
                out[n++] = next;
            } else if (c == '*') {
                int run = 1;
                while (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    run++;
                    i++;
                }
                out[n++] = run == 1 ? STAR : DOUBLE_STAR;
            } else {
                out[n++] = c;
            }
        }
        return new ChannelPattern(glob, Arrays.copyOf(out, n));
    }

    /** The glob text this pattern was compiled from. */
    public String glob() {
        return glob;
    }

    /** Whether this pattern matches the whole of {@code channelName}. */
    public boolean matches(String channelName) {
        Objects.requireNonNull(channelName, "channelName");
        int len = channelName.length();
        // prev[j]: tokens[0..t) match channelName[0..j); rolled over t.
        boolean[] prev = new boolean[len + 1];
        boolean[] cur = new boolean[len + 1];
        prev[0] = true;
        for (int tok : tokens) {
            if (tok == STAR || tok == DOUBLE_STAR) {
                cur[0] = prev[0];
                for (int j = 1; j <= len; j++) {
                    boolean extend = cur[j - 1] && (tok == DOUBLE_STAR || channelName.charAt(j - 1) != '/');
                    cur[j] = prev[j] || extend;
                }
            } else {
                cur[0] = false;
                for (int j = 1; j <= len; j++) {
                    cur[j] = prev[j - 1] && channelName.charAt(j - 1) == tok;
                }
            }
            boolean[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[len];
    }

    /**
     * Whether every concrete name matched by {@code other} is also matched by this pattern.
     *
     * <p>The rule, which is sound but deliberately conservative: {@code other}'s tokens must
     * line up with this pattern's, where a literal covers the same literal, a {@code *} covers
     * any sequence of {@code other}'s non-{@code /} literals and {@code *}s, and a {@code **}
     * covers any sequence of tokens. So {@code app/*} covers {@code app/room-*} and
     * {@code app/*} but not {@code app/**}; {@code **} covers everything. A few exotic pairs
     * whose languages happen to nest without lining up token by token are reported as not
     * covered, which only ever refuses, never over-grants.
     */
    public boolean covers(ChannelPattern other) {
        Objects.requireNonNull(other, "other");
        int[] in = other.tokens;
        int len = in.length;
        boolean[] prev = new boolean[len + 1];
        boolean[] cur = new boolean[len + 1];
        prev[0] = true;
        for (int tok : tokens) {
            if (tok == STAR || tok == DOUBLE_STAR) {
                cur[0] = prev[0];
                for (int j = 1; j <= len; j++) {
                    cur[j] = prev[j] || (cur[j - 1] && starAbsorbs(tok, in[j - 1]));
                }
            } else {
                cur[0] = false;
                for (int j = 1; j <= len; j++) {
                    cur[j] = prev[j - 1] && in[j - 1] == tok;
                }
            }
            boolean[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[len];
    }

    private static boolean starAbsorbs(int star, int otherToken) {
        if (star == DOUBLE_STAR) {
            return true;
        }
        // A single star never spans '/', so it cannot absorb '**' or a literal slash.
        return otherToken == STAR || (otherToken >= 0 && otherToken != '/');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelPattern p && p.glob.equals(glob);
    }

    @Override
    public int hashCode() {
        return glob.hashCode();
    }

    @Override
    public String toString() {
        return glob;
    }
}

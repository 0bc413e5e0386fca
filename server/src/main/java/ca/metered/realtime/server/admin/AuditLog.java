package ca.metered.realtime.server.admin;

import ca.metered.realtime.server.metrics.NodeMetrics;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One audit line for every admin action — logins (failed ones too), logouts, kicks, minted
 * tokens, configuration reloads (from the dashboard, the API or {@code SIGHUP}) — on the
 * {@code rms.audit} logger, with the user, the client address, the action, its target and its
 * outcome as key-value pairs (fields of their own in JSON logs). Reads are not audited. Secrets
 * never appear: a minted token is named by its peer and key id, not its text.
 *
 * <p>Thread-safe. Keeps the last {@link #KEEP} entries for the dashboard's activity list.
 */
public final class AuditLog {
    static final int KEEP = 100;
    private static final Logger log = LoggerFactory.getLogger("rms.audit");

    private final Clock clock;
    private final NodeMetrics metrics;
    private final ArrayDeque<Entry> recent = new ArrayDeque<>();
    private volatile Consumer<Entry> listener = e -> { };

    /**
     * @param user who acted: the admin username, {@code SIGHUP} for a signal
     * @param remote the client address, or null for a signal
     * @param action e.g. {@code kick}, {@code token.mint}, {@code config.reload}, {@code login}
     * @param target what it acted on, e.g. {@code demo/alice}; null if nothing in particular
     * @param outcome {@code ok}, {@code applied}, {@code refused}, {@code failed}
     * @param detail one line of detail; null if none
     */
    public record Entry(long t, String user, String remote, String action, String target, String outcome,
                        String detail) {
    }

    public AuditLog(Clock clock, NodeMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Records and logs one action. */
    public Entry record(String user, String remote, String action, String target, String outcome, String detail) {
        Entry e = new Entry(clock.millis(), user, remote, action, target, outcome, detail);
        log.atInfo()
                .addKeyValue("audit", true)
                .addKeyValue("user", user)
                .addKeyValue("remote", remote)
                .addKeyValue("action", action)
                .addKeyValue("target", target)
                .addKeyValue("outcome", outcome)
                .log("admin {} {}{} by {}{}{}", action, outcome, target == null ? "" : " " + target, user,
                        remote == null ? "" : " from " + remote, detail == null ? "" : ": " + detail);
        metrics.adminAction(action);
        synchronized (recent) {
            recent.addFirst(e);
            while (recent.size() > KEEP) {
                recent.removeLast();
            }
        }
        listener.accept(e);
        return e;
    }

    /** The latest entries, newest first. */
    public List<Entry> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    /** Hears every entry after it is logged (the live feed). */
    void onEntry(Consumer<Entry> l) {
        listener = l;
    }
}

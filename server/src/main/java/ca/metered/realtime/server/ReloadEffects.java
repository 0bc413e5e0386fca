package ca.metered.realtime.server;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.config.ConfigChange;
import ca.metered.realtime.server.config.ConfigReloader;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.connection.Connections;
import ca.metered.realtime.server.hub.Hub;
import ca.metered.realtime.server.metrics.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an applied configuration reload does to the live node (docs/operations.md "Reloading the
 * configuration"): sessions of an app that is now disabled or gone are closed 4012 (account
 * suspended), sessions on a credential that was removed or re-keyed are closed 4001 (their
 * tokens no longer verify), a removed app's meters leave the scrape and an added app's join it. Everything else is read
 * through the live configuration where it is used.
 *
 * <p>Thread-safe; runs on the reloading thread.
 */
final class ReloadEffects implements ConfigReloader.Listener {
    private static final Logger log = LoggerFactory.getLogger(ReloadEffects.class);

    private final Connections connections;
    private final Hub hub;
    private final NodeMetrics metrics;

    ReloadEffects(Connections connections, Hub hub, NodeMetrics metrics) {
        this.connections = connections;
        this.hub = hub;
        this.metrics = metrics;
    }

    @Override
    public void applied(ServerConfig previous, ServerConfig current, ConfigChange change) {
        int suspended = connections.closeWhere(c -> change.suspends(c.appId()),
                CloseCode.ACCOUNT_SUSPENDED.code(), "account suspended");
        int revoked = connections.closeWhere(c -> !change.suspends(c.appId())
                        && change.revokes(c.appId(), c.grant().credential()),
                CloseCode.INVALID_TOKEN.code(), "credential revoked");
        if (suspended > 0 || revoked > 0) {
            log.info("config reload closed {} session(s) of suspended apps (4012) and {} on revoked credentials (4001)",
                    suspended, revoked);
        }
        change.appsRemoved().forEach(metrics::removeApp);
        change.appsAdded().forEach(hub::app); // an added app is in the scrape (at 0) from now on
    }
}

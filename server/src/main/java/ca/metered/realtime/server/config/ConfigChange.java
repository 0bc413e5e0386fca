package ca.metered.realtime.server.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a configuration reload changes (docs/operations.md "Reloading the configuration"), and
 * so what the running node must do about it: close the live sessions of a disabled or removed
 * app (4012), and of a removed or re-keyed credential (4001, its tokens no longer verify);
 * everything else applies to what happens next (new connections, the next message counted).
 *
 * <p>Settings bound at start — the listener ({@code server}), the backplane ({@code cluster}),
 * the separate metrics listener — are not reloaded; {@link #restartRequired} names those the
 * new file changes, and {@link #effective} keeps their running values.
 *
 * <p>Immutable; thread-safe.
 *
 * @param appsAdded apps in the new file only
 * @param appsRemoved apps no longer in the file: their sessions are closed 4012
 * @param appsDisabled apps now {@code enabled: false}: their sessions are closed 4012
 * @param appsEnabled apps enabled again
 * @param credentialsAdded new publishable keys and secret key ids
 * @param credentialsRemoved credentials gone from an app that stays: their sessions are closed 4001
 * @param secretsRotated secret keys whose id stays and secret changed: sessions on tokens they
 *     signed are closed 4001
 * @param credentialsChanged credentials whose channels, actions or origins changed: new
 *     connections and tokens get the new scope, live sessions keep theirs
 * @param limitsChanged apps whose limits changed
 * @param iceServersChanged apps whose ICE servers changed (new connections get them)
 * @param restartRequired settings the new file changes that only apply at the next start
 * @param adminChanged the admin credentials changed (dashboard logins end)
 * @param metricsTokenChanged {@code metrics.bearerToken} changed
 * @param logFormatChanged {@code logging.format} changed
 */
public record ConfigChange(
        List<String> appsAdded,
        List<String> appsRemoved,
        List<String> appsDisabled,
        List<String> appsEnabled,
        List<Credential> credentialsAdded,
        List<Credential> credentialsRemoved,
        List<Credential> secretsRotated,
        List<Credential> credentialsChanged,
        List<String> limitsChanged,
        List<String> iceServersChanged,
        List<String> restartRequired,
        boolean adminChanged,
        boolean metricsTokenChanged,
        boolean logFormatChanged) {

    /** A publishable key or a secret key id of an app. */
    public record Credential(String appId, String id, Kind kind) {
        public enum Kind { PUBLISHABLE_KEY, SECRET_KEY }

        @Override
        public String toString() {
            return appId + "/" + id;
        }
    }

    public ConfigChange {
        appsAdded = List.copyOf(appsAdded);
        appsRemoved = List.copyOf(appsRemoved);
        appsDisabled = List.copyOf(appsDisabled);
        appsEnabled = List.copyOf(appsEnabled);
        credentialsAdded = List.copyOf(credentialsAdded);
        credentialsRemoved = List.copyOf(credentialsRemoved);
        secretsRotated = List.copyOf(secretsRotated);
        credentialsChanged = List.copyOf(credentialsChanged);
        limitsChanged = List.copyOf(limitsChanged);
        iceServersChanged = List.copyOf(iceServersChanged);
        restartRequired = List.copyOf(restartRequired);
    }

    /**
     * What changes from {@code running} to {@code next}.
     *
     * @param startFile the file as loaded at start, before command-line overrides: what the
     *     settings bound at start were taken from (so a {@code --port} override is not reported
     *     as a change to restart for)
     */
    public static ConfigChange between(ServerConfig running, ServerConfig startFile, ServerConfig next) {
        Map<String, AppConfig> before = byId(running.apps());
        Map<String, AppConfig> after = byId(next.apps());
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> disabled = new ArrayList<>();
        List<String> enabled = new ArrayList<>();
        List<Credential> credentialsAdded = new ArrayList<>();
        List<Credential> credentialsRemoved = new ArrayList<>();
        List<Credential> rotated = new ArrayList<>();
        List<Credential> changed = new ArrayList<>();
        List<String> limits = new ArrayList<>();
        List<String> ice = new ArrayList<>();
        for (AppConfig app : after.values()) {
            AppConfig old = before.get(app.id());
            if (old == null) {
                added.add(app.id());
                continue;
            }
            if (old.enabled() && !app.enabled()) {
                disabled.add(app.id());
            } else if (!old.enabled() && app.enabled()) {
                enabled.add(app.id());
            }
            compareKeys(old, app, credentialsAdded, credentialsRemoved, rotated, changed);
            if (!old.limits().equals(app.limits())) {
                limits.add(app.id());
            }
            if (!old.iceServers().equals(app.iceServers())) {
                ice.add(app.id());
            }
        }
        for (String id : before.keySet()) {
            if (!after.containsKey(id)) {
                removed.add(id);
            }
        }
        return new ConfigChange(added, removed, disabled, enabled, credentialsAdded, credentialsRemoved, rotated,
                changed, limits, ice, restartRequired(startFile, next),
                !running.admin().equals(next.admin()),
                !running.metrics().bearerToken().equals(next.metrics().bearerToken()),
                running.logFormat() != next.logFormat());
    }

    /**
     * The configuration to run after a reload: {@code next}, with the settings bound at start
     * kept at their running values.
     */
    public static ServerConfig effective(ServerConfig running, ServerConfig next) {
        MetricsSettings metrics = new MetricsSettings(next.metrics().bearerToken(), running.metrics().port(),
                running.metrics().host());
        return new ServerConfig(running.server(), next.apps(), running.cluster(), metrics, next.admin(),
                next.logFormat(), running.webhooks());
    }

    /** Whether a session on {@code credential} must be closed: its app stays, the credential does not verify any more. */
    public boolean revokes(Credential credential) {
        return credentialsRemoved.contains(credential) || secretsRotated.contains(credential);
    }

    /** Whether a session of {@code appId} on the credential {@code credentialId} (a publishable key or a secret key id) must be closed. */
    public boolean revokes(String appId, String credentialId) {
        for (Credential c : credentialsRemoved) {
            if (c.appId().equals(appId) && c.id().equals(credentialId)) {
                return true;
            }
        }
        for (Credential c : secretsRotated) {
            if (c.appId().equals(appId) && c.id().equals(credentialId)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the app's sessions must be closed 4012 (disabled or removed). */
    public boolean suspends(String appId) {
        return appsDisabled.contains(appId) || appsRemoved.contains(appId);
    }

    public boolean isEmpty() {
        return appsAdded.isEmpty() && appsRemoved.isEmpty() && appsDisabled.isEmpty() && appsEnabled.isEmpty()
                && credentialsAdded.isEmpty() && credentialsRemoved.isEmpty() && secretsRotated.isEmpty()
                && credentialsChanged.isEmpty() && limitsChanged.isEmpty() && iceServersChanged.isEmpty()
                && restartRequired.isEmpty() && !adminChanged && !metricsTokenChanged && !logFormatChanged;
    }

    /** One line for the log and the admin: {@code apps +chat -old; disabled demo; …}, or {@code no changes}. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        part(parts, "apps added", appsAdded);
        part(parts, "apps removed", appsRemoved);
        part(parts, "apps disabled", appsDisabled);
        part(parts, "apps enabled", appsEnabled);
        part(parts, "keys added", credentialsAdded);
        part(parts, "keys removed", credentialsRemoved);
        part(parts, "secrets rotated", secretsRotated);
        part(parts, "key scopes changed", credentialsChanged);
        part(parts, "limits changed", limitsChanged);
        part(parts, "ICE servers changed", iceServersChanged);
        if (adminChanged) {
            parts.add("admin credentials changed");
        }
        if (metricsTokenChanged) {
            parts.add("metrics token changed");
        }
        if (logFormatChanged) {
            parts.add("log format changed");
        }
        part(parts, "not applied until restart", restartRequired);
        return parts.isEmpty() ? "no changes" : String.join("; ", parts);
    }

    private static void part(List<String> parts, String label, List<?> items) {
        if (!items.isEmpty()) {
            parts.add(label + " " + String.join(", ", items.stream().map(Object::toString).toList()));
        }
    }

    private static void compareKeys(AppConfig old, AppConfig app, List<Credential> added, List<Credential> removed,
                                    List<Credential> rotated, List<Credential> changed) {
        Map<String, PublishableKeyConfig> oldPks = new LinkedHashMap<>();
        old.publishableKeys().forEach(k -> oldPks.put(k.key(), k));
        Map<String, PublishableKeyConfig> newPks = new LinkedHashMap<>();
        app.publishableKeys().forEach(k -> newPks.put(k.key(), k));
        for (PublishableKeyConfig k : newPks.values()) {
            PublishableKeyConfig was = oldPks.get(k.key());
            Credential c = new Credential(app.id(), k.key(), Credential.Kind.PUBLISHABLE_KEY);
            if (was == null) {
                added.add(c);
            } else if (!was.equals(k)) {
                changed.add(c);
            }
        }
        for (String key : oldPks.keySet()) {
            if (!newPks.containsKey(key)) {
                removed.add(new Credential(app.id(), key, Credential.Kind.PUBLISHABLE_KEY));
            }
        }
        Map<String, SecretKeyConfig> oldSks = new LinkedHashMap<>();
        old.secretKeys().forEach(k -> oldSks.put(k.id(), k));
        Map<String, SecretKeyConfig> newSks = new LinkedHashMap<>();
        app.secretKeys().forEach(k -> newSks.put(k.id(), k));
        for (SecretKeyConfig k : newSks.values()) {
            SecretKeyConfig was = oldSks.get(k.id());
            Credential c = new Credential(app.id(), k.id(), Credential.Kind.SECRET_KEY);
            if (was == null) {
                added.add(c);
            } else if (!was.secret().equals(k.secret())) {
                rotated.add(c);
            } else if (!was.equals(k)) {
                changed.add(c);
            }
        }
        for (String id : oldSks.keySet()) {
            if (!newSks.containsKey(id)) {
                removed.add(new Credential(app.id(), id, Credential.Kind.SECRET_KEY));
            }
        }
    }

    private static List<String> restartRequired(ServerConfig startFile, ServerConfig next) {
        List<String> out = new ArrayList<>();
        ServerSettings a = startFile.server();
        ServerSettings b = next.server();
        diff(out, "server.host", a.host(), b.host());
        diff(out, "server.port", a.port(), b.port());
        diff(out, "server.tls", a.tls(), b.tls());
        diff(out, "server.trustedProxies", a.trustedProxies(), b.trustedProxies());
        diff(out, "server.connectRate", List.of(a.connectRatePerIp(), a.connectRateWindow()),
                List.of(b.connectRatePerIp(), b.connectRateWindow()));
        diff(out, "server.ping", List.of(a.pingInterval(), a.pingTimeout()), List.of(b.pingInterval(), b.pingTimeout()));
        diff(out, "server.shutdownGrace", a.shutdownGrace(), b.shutdownGrace());
        diff(out, "server.outboundBufferBytes", a.outboundBufferBytes(), b.outboundBufferBytes());
        diff(out, "server.eventLoopThreads", a.eventLoopThreads(), b.eventLoopThreads());
        diff(out, "server.connections", a.connections(), b.connections());
        diff(out, "cluster", startFile.cluster(), next.cluster());
        diff(out, "metrics.port", startFile.metrics().port(), next.metrics().port());
        diff(out, "metrics.host", startFile.metrics().host(), next.metrics().host());
        // Webhooks are built at start (docs/webhooks.md "Configure"): their endpoints and delivery
        // settings change at the next start only.
        diff(out, "webhooks", startFile.webhooks(), next.webhooks());
        Map<String, AppConfig> started = byId(startFile.apps());
        for (AppConfig app : next.apps()) {
            AppConfig was = started.get(app.id());
            diff(out, "apps[" + app.id() + "].webhooks", was == null ? List.of() : was.webhooks(), app.webhooks());
        }
        for (AppConfig app : startFile.apps()) {
            if (!app.webhooks().isEmpty() && next.app(app.id()).isEmpty()) {
                out.add("apps[" + app.id() + "].webhooks");
            }
        }
        return out;
    }

    private static void diff(List<String> out, String name, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(name);
        }
    }

    private static Map<String, AppConfig> byId(List<AppConfig> apps) {
        Map<String, AppConfig> out = new LinkedHashMap<>();
        for (AppConfig app : apps) {
            out.put(app.id(), app);
        }
        return out;
    }
}

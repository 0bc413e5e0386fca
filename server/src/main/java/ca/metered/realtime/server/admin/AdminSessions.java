package ca.metered.realtime.server.admin;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Dashboard logins: an unguessable token (256 random bits, the {@code rms_admin} cookie) per
 * login, valid while used within the session timeout. Bounded: past {@link #MAX_SESSIONS} the
 * least recently used login ends. Everything ends when the admin credentials change (a reload)
 * and on restart (sessions live in memory only).
 *
 * <p>Thread-safe (one lock; logins and lookups are rare next to messages).
 */
final class AdminSessions {
    static final int MAX_SESSIONS = 64;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Access order: the eldest entry is the least recently used. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    private record Session(String username, long expiresAtMillis) {
    }

    AdminSessions(Clock clock) {
        this.clock = clock;
    }

    /** Starts a login for {@code username}; returns its token. */
    synchronized String create(String username, Duration timeout) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(token, new Session(username, clock.millis() + timeout.toMillis()));
        while (sessions.size() > MAX_SESSIONS) {
            Iterator<Map.Entry<String, Session>> eldest = sessions.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return token;
    }

    /** The user of a live login, extending it by {@code timeout}; empty for an unknown or expired token. */
    synchronized Optional<String> touch(String token, Duration timeout) {
        if (token == null) {
            return Optional.empty();
        }
        Session s = sessions.get(token);
        long now = clock.millis();
        if (s == null) {
            return Optional.empty();
        }
        if (s.expiresAtMillis() <= now) {
            sessions.remove(token);
            return Optional.empty();
        }
        sessions.put(token, new Session(s.username(), now + timeout.toMillis()));
        return Optional.of(s.username());
    }

    /** Whether {@code token} is a live login, without extending it (for open event streams). */
    synchronized boolean peek(String token) {
        Session s = token == null ? null : sessions.get(token);
        return s != null && s.expiresAtMillis() > clock.millis();
    }

    synchronized void end(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    /** Ends every login (the credentials changed). */
    synchronized void endAll() {
        sessions.clear();
    }

    synchronized int size() {
        return sessions.size();
    }
}

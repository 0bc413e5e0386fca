package ca.metered.realtime.server.admin;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows password guessing: at most {@link #MAX_FAILURES} failed logins per client address per
 * {@link #WINDOW_MILLIS}; past that, logins from the address are refused (429) until the window
 * ends, right password or not. Bounded: it remembers at most {@link #MAX_ADDRESSES} addresses,
 * forgetting the oldest first.
 *
 * <p>Thread-safe.
 */
final class LoginThrottle {
    static final int MAX_FAILURES = 10;
    static final long WINDOW_MILLIS = 5 * 60_000;
    static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();

    private record Window(long startMillis, int failures) {
    }

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Whether {@code address} may try to log in now. */
    synchronized boolean allows(String address) {
        Window w = windows.get(address);
        if (w == null) {
            return true;
        }
        if (clock.millis() - w.startMillis() >= WINDOW_MILLIS) {
            windows.remove(address);
            return true;
        }
        return w.failures() < MAX_FAILURES;
    }

    synchronized void failed(String address) {
        long now = clock.millis();
        Window w = windows.remove(address);
        if (w == null || now - w.startMillis() >= WINDOW_MILLIS) {
            w = new Window(now, 0);
        }
        windows.put(address, new Window(w.startMillis(), w.failures() + 1));
        while (windows.size() > MAX_ADDRESSES) {
            Iterator<Map.Entry<String, Window>> eldest = windows.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    synchronized void succeeded(String address) {
        windows.remove(address);
    }
}

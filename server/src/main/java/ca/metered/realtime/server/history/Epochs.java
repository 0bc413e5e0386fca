package ca.metered.realtime.server.history;

import java.util.concurrent.ThreadLocalRandom;

/**
 * New epochs: random, short, URL-safe strings. An epoch only has to differ from the epochs the
 * same channel had before, so 63 random bits are plenty.
 *
 * <p>Stateless; thread-safe.
 */
public final class Epochs {
    private Epochs() {
    }

    public static String next() {
        return Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    }
}

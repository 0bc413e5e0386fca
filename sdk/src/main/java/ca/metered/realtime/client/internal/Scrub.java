package ca.metered.realtime.client.internal;

import java.util.regex.Pattern;

/** Removes credentials from text bound for messages and logs. Stateless; thread-safe. */
public final class Scrub {
    private static final Pattern QUERY = Pattern.compile("([?&])(token|key)=[^&\\s\"']*");

    private Scrub() {
    }

    /** Replaces {@code ?token=…}/{@code &key=…} values with {@code ***}; {@code null} stays {@code null}. */
    public static String credentials(String text) {
        return text == null ? null : QUERY.matcher(text).replaceAll("$1$2=***");
    }
}

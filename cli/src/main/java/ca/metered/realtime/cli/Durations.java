package ca.metered.realtime.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code 90}, {@code 90s}, {@code 15m}, {@code 1h}, {@code 1d} into a {@link Duration}. */
final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(s|m|h|d)?");

    private Durations() {
    }

    static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new CliException("invalid duration '" + text + "': use e.g. 90s, 15m, 1h, 1d", 2);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }
}

package ca.metered.realtime.server.cluster;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * A quota period: one calendar month in UTC, as Unix seconds {@code [start, end)}.
 * Immutable; thread-safe.
 */
public record UsagePeriod(long startUnix, long endUnix) {

    public static UsagePeriod containing(Instant instant) {
        YearMonth month = YearMonth.from(instant.atOffset(ZoneOffset.UTC));
        long start = month.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        long end = month.plusMonths(1).atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        return new UsagePeriod(start, end);
    }
}

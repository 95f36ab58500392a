package io.redisbackup.contracts;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When an instance is backed up automatically and how long those backups are kept: at most once a day, on the
 * chosen weekdays, starting inside the time period in the owner's time zone.
 */
public record BackupPolicy(boolean enabled, Set<DayOfWeek> weekdays, TimePeriod timePeriod, ZoneId timezone,
        int retentionDays) {

    public static final int MIN_RETENTION_DAYS = 1;
    public static final int MAX_RETENTION_DAYS = 730;

    public BackupPolicy {
        weekdays = weekdays == null || weekdays.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(weekdays);
    }

    /**
     * When the next time period the policy allows begins after {@code now}, in the owner's time zone; empty when
     * automatic backups are off or no weekday is chosen. (A period whose start hour a clock change skips begins at
     * the hour after the gap, as {@link ZonedDateTime#of} places it.)
     */
    public Optional<ZonedDateTime> nextWindow(Instant now) {
        if (!enabled || weekdays.isEmpty()) {
            return Optional.empty();
        }
        LocalDate today = now.atZone(timezone).toLocalDate();
        for (int day = 0; day <= 7; day++) {
            LocalDate date = today.plusDays(day);
            ZonedDateTime start = ZonedDateTime.of(date, timePeriod.start(), timezone);
            if (weekdays.contains(date.getDayOfWeek()) && start.toInstant().isAfter(now)) {
                return Optional.of(start);
            }
        }
        return Optional.empty();
    }

    /** The weekdays as stored in a column: {@code MONDAY,FRIDAY}. */
    public String weekdaysText() {
        return weekdays.stream().map(DayOfWeek::name).collect(Collectors.joining(","));
    }

    /** The weekdays of a column written by {@link #weekdaysText()}. */
    public static Set<DayOfWeek> weekdaysOf(String text) {
        return text == null || text.isEmpty() ? EnumSet.noneOf(DayOfWeek.class)
                : Arrays.stream(text.split(",")).map(DayOfWeek::valueOf)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(DayOfWeek.class)));
    }
}

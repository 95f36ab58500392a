package io.redisbackup.contracts;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.EnumSet;
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

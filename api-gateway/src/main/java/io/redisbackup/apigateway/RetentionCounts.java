package io.redisbackup.apigateway;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Retention of automatic backups by count, as grandfather-father-son: the newest {@code keepLast}; the newest backup
 * of each of the last {@code keepDaily} days that have one; likewise of the last {@code keepWeekly} ISO weeks and
 * {@code keepMonthly} months, days counted in the owner's time zone. A backup is kept when any rule keeps it (a null
 * rule keeps nothing). The retention service keeps, besides, what is younger than the policy's days, and the newest
 * good backup whatever the rules say.
 */
public record RetentionCounts(Integer keepLast, Integer keepDaily, Integer keepWeekly, Integer keepMonthly) {

    /** The most any rule may keep. */
    public static final int MAX = 1000;
    public static final RetentionCounts NONE = new RetentionCounts(null, null, null, null);

    /** A backup as the rules see it: its id and when it finished. */
    public record Dated(UUID id, Instant finishedAt) {
    }

    /** Whether any rule is set. */
    public boolean any() {
        return keepLast != null || keepDaily != null || keepWeekly != null || keepMonthly != null;
    }

    /** The ids of the backups the rules keep. */
    public Set<UUID> kept(List<Dated> backups, ZoneId zone) {
        List<Dated> newestFirst = backups.stream()
                .sorted(Comparator.comparing(Dated::finishedAt).reversed().thenComparing(Dated::id)).toList();
        Set<UUID> kept = new HashSet<>();
        newestFirst.stream().limit(keepLast == null ? 0 : keepLast).forEach(backup -> kept.add(backup.id()));
        keepNewestOfEach(newestFirst, keepDaily, at -> at.atZone(zone).toLocalDate(), kept);
        keepNewestOfEach(newestFirst, keepWeekly, at -> {
            LocalDate day = at.atZone(zone).toLocalDate();
            return day.get(IsoFields.WEEK_BASED_YEAR) * 100 + day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        }, kept);
        keepNewestOfEach(newestFirst, keepMonthly, at -> {
            LocalDate day = at.atZone(zone).toLocalDate();
            return day.getYear() * 100 + day.getMonthValue();
        }, kept);
        return kept;
    }

    /** Keeps the newest backup of each of the newest {@code count} periods that have one. */
    private static void keepNewestOfEach(List<Dated> newestFirst, Integer count, Function<Instant, Object> period,
            Set<UUID> kept) {
        if (count == null) {
            return;
        }
        Object last = null;
        int periods = 0;
        for (Dated backup : newestFirst) {
            Object current = period.apply(backup.finishedAt());
            if (Objects.equals(current, last)) {
                continue;
            }
            if (periods == count) {
                return;
            }
            kept.add(backup.id());
            periods++;
            last = current;
        }
    }
}
